// Requantisation forms of the C target. A row set (the rows of one descriptor that share a form)
// takes the fast form when every row allows it: the view's m and s arrays are then replaced by the
// fast-form arrays M (and k), emitted where the set's first multiplier array was.
import { ConstArray } from '../emit/view';
import { RowForm, RowSet } from './kind';

/**
 * The "fast form" of a row's requantisation (see requantize_fast in tinyrnn_kernels.h): when every
 * shift is in [17, 46] (or the multiplier is 0), M = m * 2^(32 + k - s), k = max(1, s - 32),
 * gives the same integers as requantize(acc, m, s) with one 32x32 high multiply. null when a row
 * needs the generic form.
 */
export function fastForm(m: ArrayLike<number>, s: ArrayLike<number>): { M: Int32Array; k: Uint8Array; r32: boolean } | null {
  // r32: every s in [17, 32]: M = m * 2^(32 - s), one rounding high multiply (requantize_r32)
  let r32 = true;
  for (let r = 0; r < m.length; r++) if (m[r] !== 0 && (s[r] < 17 || s[r] > 32)) r32 = false;
  if (r32) return { M: Int32Array.from(m, (v, r) => (v === 0 ? 0 : v * 2 ** (32 - s[r]))), k: new Uint8Array(0), r32 };
  const M = new Int32Array(m.length);
  const k = new Uint8Array(m.length);
  for (let r = 0; r < m.length; r++) {
    if (m[r] === 0) {
      M[r] = 0;
      k[r] = 1;
      continue;
    }
    if (s[r] < 17 || s[r] > 46) return null;
    const kk = Math.max(1, s[r] - 32);
    const MM = m[r] * 2 ** (32 + kk - s[r]);
    if (!Number.isInteger(MM) || MM > 2147483647) return null;
    M[r] = MM;
    k[r] = kk;
  }
  return { M, k, r32 };
}

/** The (M, k) form (requantize_fast) of rows whose shifts are all in [17, 46] (or m = 0). */
function mkForm(m: ArrayLike<number>, s: ArrayLike<number>): { M: Int32Array; k: Uint8Array } {
  const M = new Int32Array(m.length);
  const k = new Uint8Array(m.length);
  for (let r = 0; r < m.length; r++) {
    if (m[r] === 0) {
      k[r] = 1;
      continue;
    }
    k[r] = Math.max(1, s[r] - 32);
    M[r] = m[r] * 2 ** (32 + k[r] - s[r]);
  }
  return { M, k };
}

/** The form of a row set and its fast-form arrays (none for the generic form). */
function setForm(set: RowSet): { form: RowForm; arrays: ConstArray[] } {
  const forms = set.sides.map((side) => fastForm(side.mv, side.sv));
  if (forms.some((f) => f === null)) return { form: 0, arrays: [] };
  // r32 needs every side of the set in r32 form; otherwise all sides use the (M, k) form
  const r32 = forms.every((f) => f!.r32);
  const arrays = set.sides.flatMap((side, i): ConstArray[] => {
    const g = r32 ? forms[i]! : mkForm(side.mv, side.sv);
    const n = g.M.length;
    const M: ConstArray = {
      name: side.M,
      field: `${side.mName} (fast form)`,
      type: 's32',
      values: g.M,
      shape: `(${n})`,
      role: 'requant',
      layer: set.layer,
      bytes: 4 * n,
    };
    if (r32) return [M];
    return [M, { name: side.k, field: `${side.sName} (fast form: k)`, type: 'u8', values: g.k, shape: `(${n})`, role: 'requant', layer: set.layer, bytes: n }];
  });
  return { form: r32 ? 2 : 1, arrays };
}

/**
 * The form of every row set and the constant arrays of the C source: the view's, without the
 * regenerated reservoir weights (`ram`), requantisation replaced by fast-form arrays where a set allows.
 */
export function planForms(sets: RowSet[], view: ConstArray[], ram: ReadonlySet<string>): { forms: Map<string, RowForm>; arrays: ConstArray[] } {
  const forms = new Map<string, RowForm>();
  const at = new Map<string, ConstArray[]>();
  const replaced = new Set<string>();
  for (const set of sets) {
    const f = setForm(set);
    forms.set(set.stem, f.form);
    if (f.form === 0) continue;
    for (const side of set.sides) replaced.add(side.m).add(side.s);
    at.set(set.sides[0].m, f.arrays);
  }
  const arrays = view.filter((a) => !ram.has(a.name)).flatMap((a) => (replaced.has(a.name) ? (at.get(a.name) ?? []) : [a]));
  return { forms, arrays };
}
