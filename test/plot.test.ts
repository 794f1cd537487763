// The STDP figures' PNG plots (nodes/runtime/ebm/plot.ts): tick numbers, labels, data where the axes put it.
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { clipSegment, niceStep, plotPng, powerLabel, tickLabel } from '../nodes/runtime/ebm/plot.ts';

/** Dark pixels (any channel below 100) in the rectangle [x0, x1) × [y0, y1). */
function dark(png: PNG, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i] < 100 || png.data[i + 1] < 100 || png.data[i + 2] < 100) n++;
    }
  return n;
}

describe('plot ticks', () => {
  it('picks 1-2-5 steps and prints as many decimals as the step needs, with a true minus sign', () => {
    expect(niceStep(40, 7)).toBe(5);
    expect(niceStep(0.27, 6)).toBeCloseTo(0.05, 12);
    expect(tickLabel(-0.1, 0.05)).toBe('−0.10');
    expect(tickLabel(15, 5)).toBe('15');
    expect(tickLabel(3 * 0.1 - 0.3, 0.1)).toBe('0.0'); // rounding noise is zero, not −0.0
    expect(tickLabel(-20, 5)).toBe('−20');
  });
});

describe('plotPng', () => {
  const series = [{ x: [-10, 10], y: [-1, 1], color: [0, 0, 255] as [number, number, number], mode: 'points' as const, radius: 3 }];

  it('draws the x label centred under the ticks, and points where the axes put them', () => {
    const short = PNG.sync.read(plotPng({ series, xRange: [-10, 10], yRange: [-1, 1], xLabel: 'x', yLabel: 'ΔW' }));
    const labelled = PNG.sync.read(plotPng({ series, xRange: [-10, 10], yRange: [-1, 1], xLabel: 'ΔT (steps)', yLabel: 'ΔW' }));
    expect([labelled.width, labelled.height]).toEqual([480, 320]);
    // Same layout; the two pictures differ only in the label's band (the bottom 20 rows), around the centre.
    let diff = 0;
    let outside = 0;
    for (let y = 0; y < 320; y++)
      for (let x = 0; x < 480; x++) {
        const i = (y * 480 + x) * 4;
        if (short.data[i] !== labelled.data[i] || short.data[i + 2] !== labelled.data[i + 2]) {
          diff++;
          if (y < 300 || x < 180 || x > 320) outside++;
        }
      }
    expect(diff).toBeGreaterThan(50);
    expect(outside).toBe(0);
    expect(dark(labelled, 180, 300, 320, 320)).toBeGreaterThan(20);
    // The point (10, 1) is the top right corner of the plot area: pure blue there.
    const blueNear = (png: PNG, cx: number, cy: number): boolean => {
      for (let y = cy - 4; y <= cy + 4; y++)
        for (let x = cx - 4; x <= cx + 4; x++) {
          const i = (y * png.width + x) * 4;
          if (png.data[i] < 60 && png.data[i + 1] < 60 && png.data[i + 2] > 200) return true;
        }
      return false;
    };
    expect(blueNear(labelled, 480 - 14, 30)).toBe(true);
    expect(blueNear(labelled, 240, 150)).toBe(false);
  });
});

describe('plotPng with a log y axis', () => {
  it('puts 0.1 half-way between 0.01 and 1, labels powers of ten, and leaves out values that are not positive', () => {
    expect([-5, -3, -1, 0, 2].map(powerLabel)).toEqual(['1e−5', '0.001', '0.1', '1', '100']);
    const dot = (y: number) => [{ x: [0], y: [y], color: [0, 0, 255] as [number, number, number], mode: 'points' as const, radius: 4 }];
    const at = (y: number) => PNG.sync.read(plotPng({ series: dot(y), xRange: [-1, 1], yRange: [0.01, 1], yLog: true }));
    // No labels: the plot area runs from row 12 to row 292, so 0.1 (log −1, half-way) sits on row 152.
    const blue = (png: PNG, y0: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++)
        for (let x = 0; x < png.width; x++) {
          const i = (y * png.width + x) * 4;
          if (png.data[i + 2] > 200 && png.data[i] < 60) n++;
        }
      return n;
    };
    const mid = at(0.1);
    expect(blue(mid, 146, 159)).toBeGreaterThan(20);
    expect(blue(mid, 0, 140) + blue(mid, 165, 320)).toBe(0);
    // a value of 0 has no place on a log axis: nothing is drawn
    expect(blue(at(0), 0, 320)).toBe(0);
  });
});

describe('plotPng: axes that hug the data, and a legend that keeps off the lines', () => {
  const blue = [0, 0, 255] as [number, number, number];
  /** Rows (from the top) that hold a blue pixel. */
  const blueRows = (png: PNG): number[] => {
    const rows: number[] = [];
    for (let y = 0; y < png.height; y++)
      for (let x = 0; x < png.width; x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] < 60 && png.data[i + 1] < 60 && png.data[i + 2] > 200) {
          rows.push(y);
          break;
        }
      }
    return rows;
  };

  it('fromZero false spreads values from 0.945 to 0.953 over the plot height; by default they sit at its top', () => {
    const series = [{ x: [250, 500, 1000], y: [0.945, 0.95, 0.953], color: blue, mode: 'points' as const, radius: 3 }];
    const zero = blueRows(PNG.sync.read(plotPng({ series })));
    const hug = blueRows(PNG.sync.read(plotPng({ series, fromZero: false })));
    // 320 px high: by default every point is in the top fifth; hugging, the lowest is in the bottom fifth.
    expect(Math.max(...zero)).toBeLessThan(64);
    expect(Math.max(...hug)).toBeGreaterThan(256);
  });

  /** Black pixels (text, the frame) in the rectangle [x0, x1) × [y0, y1). */
  const black = (png: PNG, x0: number, y0: number, x1: number, y1: number): number => {
    let n = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] < 80 && png.data[i + 1] < 80 && png.data[i + 2] < 80) n++;
      }
    return n;
  };
  // A blue line across the top (its points are outside the x range), red points in the bottom corners given.
  const crossed = (corners: number[]): PNG =>
    PNG.sync.read(
      plotPng({
        xRange: [0, 1],
        yRange: [0, 1],
        series: [
          { x: [-1, 2], y: [0.97, 0.97], color: blue, mode: 'line', label: 'across the top' },
          { x: corners, y: corners.map(() => 0.03), color: [255, 0, 0], mode: 'points', radius: 3, label: 'corners' },
        ],
      }),
    );

  it('the legend goes to a corner no line crosses, even where the line has no point inside the corner', () => {
    const png = crossed([0.98]);
    // No legend text in the top corners, the first choices of a legend with nothing under it: the line crosses
    // them. (The plot area spans about x 40-466, y 12-292.) Nor by the red point at the bottom right.
    expect(black(png, 330, 16, 460, 52)).toBe(0);
    expect(black(png, 46, 16, 180, 52)).toBe(0);
    expect(black(png, 330, 250, 460, 286)).toBe(0);
    // It went to the bottom left, the one corner with nothing under it.
    expect(black(png, 46, 250, 180, 286)).toBeGreaterThan(50);
  });

  it('when every corner has data under it, the legend goes in rows under the plot, which gives up that height', () => {
    const free = crossed([0.98]);
    const png = crossed([0.02, 0.98]);
    // Nothing in the plot's corners but the data; the legend's one row (two entries side by side) sits under the
    // tick numbers, from the left edge of the plot.
    expect(black(png, 46, 226, 180, 262)).toBe(0);
    expect(black(png, 330, 226, 460, 262)).toBe(0);
    expect(black(png, 60, 296, 200, 318)).toBeGreaterThan(50);
    // The frame's bottom edge moved up by the legend's row (24 px): a black row across the plot.
    const frameRow = (p: PNG): number => [...Array(p.height).keys()].reverse().find((y) => black(p, 100, y, 400, y + 1) === 300)!;
    expect(frameRow(free) - frameRow(png)).toBe(24);
    // The blue line stops at the frame: clipped, nothing of it left or right of the plot area.
    const blueAt = (p: PNG, x: number): boolean =>
      [...Array(p.height).keys()].some((y) => {
        const i = (y * p.width + x) * 4;
        return p.data[i] < 60 && p.data[i + 1] < 60 && p.data[i + 2] > 200;
      });
    expect(blueAt(png, 240)).toBe(true);
    expect(blueAt(png, 5)).toBe(false);
    expect(blueAt(png, 475)).toBe(false);
  });

  it('clipSegment keeps the part of a segment inside a box', () => {
    // From (−10, 5) to (30, 25) through the box [0, 0, 20, 20]: x = 0 at t = 1/4 (y = 10), y = 20 at t = 3/4 (x = 20).
    expect(clipSegment([-10, 5], [30, 25], [0, 0, 20, 20])).toEqual([0, 10, 20, 20]);
    expect(clipSegment([2, 3], [4, 5], [0, 0, 20, 20])).toEqual([2, 3, 4, 5]);
    expect(clipSegment([-5, 30], [25, 30], [0, 0, 20, 20])).toBeNull();
    expect(clipSegment([-5, -1], [1, -5], [0, 0, 20, 20])).toBeNull();
    expect(clipSegment([10, -10], [10, 30], [0, 0, 20, 20])).toEqual([10, 0, 10, 20]);
  });

  it('a reference line (dash) is drawn dashed: along it, coloured and blank stretches alternate', () => {
    const render = (dash: boolean): PNG =>
      PNG.sync.read(plotPng({ xRange: [0, 1], yRange: [0, 1], series: [], lines: [{ intercept: 0.5, slope: 0, color: [255, 0, 0], dash }] }));
    // The row through y = 0.5: count red pixels in the middle third of the plot's width.
    const redRun = (png: PNG): number => {
      let best = -1;
      let bestRed = 0;
      for (let y = 0; y < png.height; y++) {
        let red = 0;
        for (let x = Math.round(png.width / 3); x < Math.round((2 * png.width) / 3); x++) {
          const i = (y * png.width + x) * 4;
          if (png.data[i] > 200 && png.data[i + 1] < 80) red++;
        }
        if (red > bestRed) (bestRed = red), (best = y);
      }
      return best >= 0 ? bestRed : 0;
    };
    const solid = redRun(render(false));
    const dashed = redRun(render(true));
    expect(solid).toBeGreaterThan(100);
    // Dashes of 4 px every 8 px: about half the pixels.
    expect(dashed).toBeGreaterThan(solid * 0.35);
    expect(dashed).toBeLessThan(solid * 0.7);
  });
});
