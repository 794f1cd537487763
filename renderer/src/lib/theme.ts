/** Colours shared by the editor and panels (port colours come from nodes/core PORT_TYPES). */
import type { Category } from '../../../nodes/core/index.ts';

export const CATEGORY_COLORS: Record<Category, string> = {
  data: '#4c9be8',
  layers: '#57b26a',
  corruption: '#9a9aa6',
  inference: '#c9b037',
  learning: '#e0694f',
  sampling: '#3cb7b0',
  evaluation: '#a05fd6',
  output: '#8fd3ff',
  energy: '#7a6ff0',
  stdp: '#f0b84f',
};

/** Series colours for charts: distinguishable on the dark background. */
export const SERIES = ['#6cb6ff', '#f0883e', '#56d364', '#db61a2', '#e3b341', '#a371f7', '#39c5cf', '#ff7b72'];

/** A published figure that several series share, drawn across their chart (dashed): none of their colours. */
export const PAPER_GREY = '#c9d1d9';
