// Number formats shared by the reports (one rule each).

export function fmtBytes(n: number): string {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;
}

export function fmtTime(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return 'n/a';
  if (s >= 1) return `${s.toFixed(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  return `${(s * 1e6).toFixed(1)} µs`;
}

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)} %`;
}

/** A value rounded to 6 significant digits for plotting (null when not finite). */
export function round(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return v === 0 ? 0 : +v.toPrecision(6);
}

/** Three significant digits, exponent below 1e-3. */
export function g3(v: number): string {
  return v === 0 ? '0' : Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}
