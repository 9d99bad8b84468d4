// The tinyrnn device runtime for Espruino: sensor windowing and streaming, calling a generated
// model module, smoothing and debouncing predictions, and a small event API.
//
// Written in TypeScript and compiled to the JavaScript dialect Espruino accepts
// (targets/espruino/runtime-build.ts: tsc to ES2020, then `export` turned into `exports.x = ...`,
// then the dialect check). So this file avoids what Espruino lacks: no default parameters,
// rest/spread, destructuring, `**`, `?.`, Map/Set, class fields with initialisers outside the
// constructor; functions are declared before they are used; integer literals only.
//
// Legend: F features, W window length (samples), O model outputs.

/** What a generated model module exports (targets/espruino/templates/model.js.hbs). */
export interface TinyModel {
  reset(): void;
  step(raw: ArrayLike<number>): ArrayLike<number>;
  predict(seq: ArrayLike<ArrayLike<number>>): unknown;
  run(seq: ArrayLike<ArrayLike<number>>): ArrayLike<number>[];
  toRaw(x: ArrayLike<number>, out?: Int32Array): Int32Array;
  argmax(v: ArrayLike<number>): number;
  labels: string[];
  inputSize: number;
  outputSize: number;
  streaming: boolean;
  classification: boolean;
}

export type Listener = (data: unknown) => void;

/** A minimal event emitter (Espruino objects have `on`/`emit` too, but only for built-ins). */
export class Emitter {
  private handlers: { [name: string]: Listener[] };
  constructor() {
    this.handlers = {};
  }
  on(name: string, fn: Listener): Emitter {
    if (!this.handlers[name]) this.handlers[name] = [];
    this.handlers[name].push(fn);
    return this;
  }
  off(name: string, fn: Listener): Emitter {
    const list = this.handlers[name];
    if (!list) return this;
    const i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
    return this;
  }
  emit(name: string, data: unknown): void {
    const list = this.handlers[name];
    if (!list) return;
    for (let i = 0; i < list.length; i++) list[i](data);
  }
}

/**
 * A ring buffer of the last W raw samples of F integers. `rows()` returns them oldest first as
 * views (no copy of the data; the array of views is allocated once).
 */
export class SampleWindow {
  readonly size: number;
  readonly features: number;
  private data: Int32Array;
  private head: number;
  private count: number;
  private views: Int32Array[];
  private ordered: Int32Array[];
  constructor(size: number, features: number) {
    if (!(size >= 1) || !(features >= 1)) throw new Error('tinyrnn: window size and features must be >= 1');
    this.size = size;
    this.features = features;
    this.data = new Int32Array(size * features);
    this.head = 0;
    this.count = 0;
    this.views = [];
    this.ordered = [];
    for (let i = 0; i < size; i++) this.views.push(this.data.subarray(i * features, (i + 1) * features));
  }
  push(sample: ArrayLike<number>): void {
    const v = this.views[this.head];
    for (let f = 0; f < this.features; f++) v[f] = sample[f];
    this.head = (this.head + 1) % this.size;
    if (this.count < this.size) this.count++;
  }
  full(): boolean {
    return this.count === this.size;
  }
  length(): number {
    return this.count;
  }
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
  /** The samples, oldest first. */
  rows(): Int32Array[] {
    const n = this.count;
    const start = (this.head - n + this.size) % this.size;
    this.ordered.length = n;
    for (let i = 0; i < n; i++) this.ordered[i] = this.views[(start + i) % this.size];
    return this.ordered;
  }
}

/**
 * Integer exponential smoothing of score vectors: s = s + (x - s) * num / den, in integers
 * (floor division), so the device and the host agree exactly. num/den = 1 disables it.
 */
export class Smoother {
  private state: Int32Array;
  private primed: boolean;
  private num: number;
  private den: number;
  constructor(width: number, num: number, den: number) {
    if (!(den >= 1) || !(num >= 1) || num > den) throw new Error('tinyrnn: smoothing needs 1 <= num <= den');
    this.state = new Int32Array(width);
    this.primed = false;
    this.num = num;
    this.den = den;
  }
  reset(): void {
    this.primed = false;
  }
  update(x: ArrayLike<number>): Int32Array {
    const s = this.state;
    if (!this.primed) {
      for (let i = 0; i < s.length; i++) s[i] = x[i];
      this.primed = true;
      return s;
    }
    for (let i = 0; i < s.length; i++) s[i] = s[i] + Math.floor(((x[i] - s[i]) * this.num) / this.den);
    return s;
  }
}

/**
 * Debouncing: a class becomes the decision only after it has won `confirm` consecutive times;
 * after a change, no new change is accepted for `holdoff` decisions.
 */
export class Debouncer {
  private confirm: number;
  private holdoff: number;
  private candidate: number;
  private streak: number;
  private wait: number;
  current: number;
  constructor(confirm: number, holdoff: number) {
    this.confirm = confirm >= 1 ? confirm : 1;
    this.holdoff = holdoff >= 0 ? holdoff : 0;
    this.candidate = -1;
    this.streak = 0;
    this.wait = 0;
    this.current = -1;
  }
  reset(): void {
    this.candidate = -1;
    this.streak = 0;
    this.wait = 0;
    this.current = -1;
  }
  /** Feeds one raw decision; returns true when the debounced decision changed. */
  update(k: number): boolean {
    const blocked = this.wait > 0;
    if (blocked) this.wait--;
    if (k === this.candidate) this.streak++;
    else {
      this.candidate = k;
      this.streak = 1;
    }
    if (this.streak >= this.confirm && k !== this.current && !blocked) {
      this.current = k;
      this.wait = this.holdoff;
      return true;
    }
    return false;
  }
}

export interface StreamOptions {
  /** 'stream': model.step on every sample (stateful); 'window': model.predict on the last `window` samples. */
  mode?: string;
  /** Window length in samples (mode 'window'). */
  window?: number;
  /** Decide every `hop` samples (default 1 in stream mode, window/2 in window mode). */
  hop?: number;
  /** Smoothing factor num/den for the scores (default 1/1: none). */
  smoothNum?: number;
  smoothDen?: number;
  /** Consecutive wins before a class is reported (default 2) and decisions ignored after a change (default 0). */
  confirm?: number;
  holdoff?: number;
  /** Only report a class whose (smoothed) score exceeds the runner-up by this margin (default 0). */
  margin?: number;
}

export interface Prediction {
  index: number;
  label: string;
  score: number;
  /** Samples consumed so far. */
  sample: number;
}

/**
 * Feeds raw sensor samples to a model and reports decisions as events:
 *  'prediction' every hop (the smoothed argmax), 'change' when the debounced class changes,
 *  'output' with the raw model output vector (stream mode, every hop).
 */
export class Stream extends Emitter {
  readonly model: TinyModel;
  private mode: string;
  private hop: number;
  private win: SampleWindow | null;
  private smoother: Smoother;
  private debouncer: Debouncer;
  private margin: number;
  private n: number;
  private raw: Int32Array;
  constructor(model: TinyModel, options: StreamOptions | undefined) {
    super();
    const o = options || {};
    this.model = model;
    this.mode = o.mode === 'window' ? 'window' : 'stream';
    if (this.mode === 'stream' && !model.streaming) throw new Error('tinyrnn: this model cannot stream (bidirectional): use mode "window"');
    const w = o.window !== undefined ? o.window : 32;
    this.win = this.mode === 'window' ? new SampleWindow(w, model.inputSize) : null;
    this.hop = o.hop !== undefined ? o.hop : this.mode === 'window' ? (w >> 1 > 0 ? w >> 1 : 1) : 1;
    this.smoother = new Smoother(model.outputSize, o.smoothNum !== undefined ? o.smoothNum : 1, o.smoothDen !== undefined ? o.smoothDen : 1);
    this.debouncer = new Debouncer(o.confirm !== undefined ? o.confirm : 2, o.holdoff !== undefined ? o.holdoff : 0);
    this.margin = o.margin !== undefined ? o.margin : 0;
    this.n = 0;
    this.raw = new Int32Array(model.inputSize);
    model.reset();
  }
  reset(): void {
    this.model.reset();
    this.smoother.reset();
    this.debouncer.reset();
    if (this.win) this.win.clear();
    this.n = 0;
  }
  /** Feeds one sample of raw integers (F values). */
  pushRaw(sample: ArrayLike<number>): void {
    this.n++;
    let out: ArrayLike<number> | null = null;
    if (this.win) {
      this.win.push(sample);
      if (this.win.full() && this.n % this.hop === 0) {
        const r = this.model.run(this.win.rows());
        out = r[r.length - 1];
      }
    } else {
      out = this.model.step(sample);
      if (this.n % this.hop !== 0) out = null;
    }
    if (out) this.decide(out);
  }
  /** Feeds one sample of model-unit values (floats, e.g. g): converted with the model's rawPerUnit. */
  push(sample: ArrayLike<number>): void {
    this.pushRaw(this.model.toRaw(sample, this.raw));
  }
  private decide(out: ArrayLike<number>): void {
    this.emit('output', out);
    if (!this.model.classification) return;
    const s = this.smoother.update(out);
    let best = 0;
    let second = -1;
    for (let i = 1; i < s.length; i++) {
      if (s[i] > s[best]) {
        second = best;
        best = i;
      } else if (second < 0 || s[i] > s[second]) second = i;
    }
    const confident = second < 0 || s[best] - s[second] >= this.margin;
    const label = this.model.labels.length ? this.model.labels[best] : String(best);
    const p: Prediction = { index: best, label: label, score: s[best], sample: this.n };
    this.emit('prediction', p);
    if (confident && this.debouncer.update(best)) this.emit('change', p);
  }
  /** The debounced class index (-1 before the first decision). */
  current(): number {
    return this.debouncer.current;
  }
}

/** Creates a stream (the entry point apps use). */
export function createStream(model: TinyModel, options: StreamOptions | undefined): Stream {
  return new Stream(model, options);
}
