// Numerical gradient check shared by the trainer's gradient tests: five-point central differences
// of the loss with respect to each parameter, compared with the analytic gradient.

/**
 * Largest relative error between analytic[i] and the numerical derivative of loss() in P[i],
 * over i in [off, off + len). Entries below 1e-5 are compared on that absolute scale (the finite
 * differences themselves carry ~1e-12 of rounding noise). Five-point central difference:
 * truncation O(h^4) ~ 1e-16, rounding ~ 1e-16 / h ~ 1e-12. P is restored after each entry.
 */
export function worstRelativeError(P: Float64Array, analytic: Float64Array, loss: () => number, off = 0, len = P.length, h = 1e-4): { worst: number; checked: number } {
  const at = (i: number, p: number): number => {
    P[i] = p;
    return loss();
  };
  let worst = 0;
  for (let i = off; i < off + len; i++) {
    const p0 = P[i];
    const num = (-at(i, p0 + 2 * h) + 8 * at(i, p0 + h) - 8 * at(i, p0 - h) + at(i, p0 - 2 * h)) / (12 * h);
    P[i] = p0;
    const a = analytic[i];
    const rel = Math.abs(a - num) / Math.max(Math.abs(a), Math.abs(num), 1e-5);
    if (rel > worst) worst = rel;
  }
  return { worst, checked: len };
}
