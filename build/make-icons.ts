/**
 * Draws the app icon (a small node graph on a dark rounded square) into build/icon.png and
 * build/icons/NxN.png. Run with `npx tsx build/make-icons.ts`; the PNGs are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

type RGB = [number, number, number];
const BG: RGB = [13, 17, 23];
const EDGE: RGB = [108, 182, 255];
const NODES: { x: number; y: number; c: RGB }[] = [
  { x: 0.27, y: 0.34, c: [76, 155, 232] },
  { x: 0.27, y: 0.68, c: [87, 178, 106] },
  { x: 0.55, y: 0.5, c: [201, 176, 55] },
  { x: 0.78, y: 0.3, c: [160, 95, 214] },
  { x: 0.78, y: 0.72, c: [224, 105, 79] },
];
const WIRES = [
  [0, 2],
  [1, 2],
  [2, 3],
  [2, 4],
];

function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function shade(u: number, v: number): [number, number, number, number] {
  // rounded square, radius 0.22
  const r = 0.2;
  const qx = Math.max(Math.abs(u - 0.5) - (0.5 - r - 0.02), 0);
  const qy = Math.max(Math.abs(v - 0.5) - (0.5 - r - 0.02), 0);
  if (Math.hypot(qx, qy) > r) return [0, 0, 0, 0];
  let col: RGB = [...BG];
  const glow = Math.max(0, 1 - Math.hypot(u - 0.5, v - 0.45) / 0.7) * 18;
  col = [col[0] + glow * 0.6, col[1] + glow * 0.8, col[2] + glow * 1.4];
  for (const [a, b] of WIRES) {
    if (segDist(u, v, NODES[a].x, NODES[a].y, NODES[b].x, NODES[b].y) < 0.022) col = EDGE;
  }
  for (const n of NODES) {
    const d = Math.hypot(u - n.x, v - n.y);
    if (d < 0.085) col = d < 0.062 ? n.c : [230, 237, 243];
  }
  return [col[0], col[1], col[2], 255];
}

function render(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const ss = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = shade((x + (sx + 0.5) / ss) / size, (y + (sy + 0.5) / ss) / size);
          acc[0] += c[0] * c[3];
          acc[1] += c[1] * c[3];
          acc[2] += c[2] * c[3];
          acc[3] += c[3];
        }
      }
      const i = (y * size + x) * 4;
      const a = acc[3] / (ss * ss);
      png.data[i] = acc[3] ? acc[0] / acc[3] : 0;
      png.data[i + 1] = acc[3] ? acc[1] / acc[3] : 0;
      png.data[i + 2] = acc[3] ? acc[2] / acc[3] : 0;
      png.data[i + 3] = a;
    }
  }
  return PNG.sync.write(png);
}

const dir = fileURLToPath(new URL('./', import.meta.url));
mkdirSync(`${dir}icons`, { recursive: true });
for (const s of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(`${dir}icons/${s}x${s}.png`, render(s));
writeFileSync(`${dir}icon.png`, render(1024));
console.log('icons written');
