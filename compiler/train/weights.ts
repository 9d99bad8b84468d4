// Seeded weight initialisers shared by the layer kinds' train.ts: Glorot (Xavier) uniform, and
// orthogonal matrices from a seeded Gaussian by modified Gram-Schmidt.

import { Rng } from '../core/util/rng';

/** Fills a[off .. off+len) Glorot uniform, limit sqrt(6 / (fanIn + fanOut)). */
export function glorot(rng: Rng, a: Float32Array, off: number, len: number, fanIn: number, fanOut: number): void {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = off; i < off + len; i++) a[i] = rng.uniform(-lim, lim);
}

/** Fills a (H, H) block of a at off with an orthogonal matrix. */
export function orthogonal(rng: Rng, a: Float32Array, off: number, H: number): void {
  semiOrthogonal(rng, a.subarray(off, off + H * H), H, H);
}

/** Fills a (rows, cols) matrix at a with orthonormal rows (rows <= cols) or columns (rows > cols). */
export function semiOrthogonal(rng: Rng, a: Float32Array, rows: number, cols: number): void {
  const n = Math.min(rows, cols);
  const len = Math.max(rows, cols);
  const m = new Float64Array(n * len);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal();
  for (let r = 0; r < n; r++) {
    for (let q = 0; q < r; q++) {
      let d = 0;
      for (let j = 0; j < len; j++) d += m[r * len + j] * m[q * len + j];
      for (let j = 0; j < len; j++) m[r * len + j] -= d * m[q * len + j];
    }
    let nrm = 0;
    for (let j = 0; j < len; j++) nrm += m[r * len + j] * m[r * len + j];
    nrm = Math.sqrt(nrm) || 1;
    for (let j = 0; j < len; j++) m[r * len + j] /= nrm;
  }
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[i * cols + j] = rows <= cols ? m[i * cols + j] : m[j * rows + i];
}
