import type { AnyNodeKind } from '../../core/kind.ts';
import { maskCorruptionKind } from './corrupt-mask.ts';
import { gaussianCorruptionKind } from './corrupt-gaussian.ts';
import { spikeCorruptionKind } from './corrupt-spike.ts';
import { mnistDataKind } from './data-mnist.ts';
import { decoderKind } from './decoder.ts';
import { encoderKind } from './encoder.ts';
import { inpaintKind } from './eval-inpaint.ts';
import { logpTraceKind } from './eval-logp.ts';
import { parzenKind } from './eval-parzen.ts';
import { reconstructionKind } from './eval-reconstruction.ts';
import { filtersKind } from './filters.ts';
import { inferenceKind } from './inference.ts';
import { hierarchyKind } from './model.ts';
import { loadModelKind, saveModelKind } from './model-io.ts';
import { imageGridOutKind, imageOutKind, metricOutKind, seriesOutKind } from './outputs.ts';
import { gaussianPriorKind } from './prior.ts';
import { chainSampleKind } from './sample-chain.ts';
import { datasetSampleKind } from './sample-dataset.ts';
import { directedSampleKind } from './sample-directed.ts';
import { jdaeSampleKind } from './sample-jdae.ts';
import { localTrainKind } from './train-local.ts';

export const b15Kinds: AnyNodeKind[] = [
  mnistDataKind,
  encoderKind,
  decoderKind,
  hierarchyKind,
  saveModelKind,
  loadModelKind,
  gaussianCorruptionKind,
  spikeCorruptionKind,
  maskCorruptionKind,
  inferenceKind,
  localTrainKind,
  gaussianPriorKind,
  directedSampleKind,
  chainSampleKind,
  jdaeSampleKind,
  datasetSampleKind,
  parzenKind,
  logpTraceKind,
  reconstructionKind,
  inpaintKind,
  metricOutKind,
  seriesOutKind,
  imageGridOutKind,
  imageOutKind,
  filtersKind,
];
