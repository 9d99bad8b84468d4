// The field checker of the float-model validator (compiler/core/ir/validate.ts): sizes and
// Float32Arrays, each problem collected with its code. A leaf below validate.ts and the kinds'
// ir.ts files, so a kind's validation does not import the validator that dispatches to it.
import { DiagnosticList, isTypedArray, joinPath } from './errors';

type Obj = Record<string, unknown>;
const join = joinPath;

export class FloatChecker extends DiagnosticList {
  posInt(o: Obj, key: string, path: string): number | undefined {
    const v = o[key];
    if (v === undefined) {
      this.add('TNN101', join(path, key), 'missing size', undefined, 'a positive integer');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 1 << 20) {
      this.add('TNN102', join(path, key), 'size is not a positive integer', v, 'an integer in 1..1048576');
      return undefined;
    }
    return v;
  }
  /** The layer's input size I against the previous layer's output width (TNN108). */
  chain(I: number | undefined, width: number | undefined, path: string): void {
    if (I !== undefined && width !== undefined && I !== width) {
      this.add('TNN108', `${path}.inputSize`, `layer input size is ${I}`, undefined, `${width} (the previous layer's output width)`);
    }
  }
  /** Checks a Float32Array field of a given length; returns it if usable. */
  f32(o: Obj, key: string, path: string, length: number | undefined, shape: string): Float32Array | undefined {
    const v = o[key];
    const p = join(path, key);
    if (v === undefined) {
      this.add('TNN101', p, 'missing array', undefined, `Float32Array ${shape}`);
      return undefined;
    }
    if (!isTypedArray<Float32Array>(v, 'Float32Array')) {
      this.add('TNN105', p, 'array has the wrong type', v, `Float32Array ${shape}`);
      return undefined;
    }
    if (length !== undefined && v.length !== length) {
      this.add('TNN106', p, `has ${v.length} values`, undefined, `${shape} = ${length}`);
      return undefined;
    }
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        this.add('TNN107', `${p}[${i}]`, 'value is not finite', v[i], 'a finite number', 'the model diverged in training or the file was damaged');
        return undefined;
      }
    }
    return v;
  }
  /** An optional layer name (TNN113 when it is not a string). */
  name(o: Obj, path: string): void {
    if (o.name !== undefined && typeof o.name !== 'string') this.add('TNN113', `${path}.name`, 'name is not a string', o.name, 'a string');
  }
}

/** a * b when both are known. */
export function mulSizes(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined ? a * b : undefined;
}
