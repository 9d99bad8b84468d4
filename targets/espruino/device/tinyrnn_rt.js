// tinyrnn device runtime for Espruino, built from targets/espruino/device/runtime.ts by targets/espruino/runtime-build.ts. Do not edit.
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
/** A minimal event emitter (Espruino objects have `on`/`emit` too, but only for built-ins). */
class Emitter {
    constructor() {
        this.handlers = {};
    }
    on(name, fn) {
        if (!this.handlers[name])
            this.handlers[name] = [];
        this.handlers[name].push(fn);
        return this;
    }
    off(name, fn) {
        const list = this.handlers[name];
        if (!list)
            return this;
        const i = list.indexOf(fn);
        if (i >= 0)
            list.splice(i, 1);
        return this;
    }
    emit(name, data) {
        const list = this.handlers[name];
        if (!list)
            return;
        for (let i = 0; i < list.length; i++)
            list[i](data);
    }
}
/**
 * A ring buffer of the last W raw samples of F integers. `rows()` returns them oldest first as
 * views (no copy of the data; the array of views is allocated once).
 */
class SampleWindow {
    constructor(size, features) {
        if (!(size >= 1) || !(features >= 1))
            throw new Error('tinyrnn: window size and features must be >= 1');
        this.size = size;
        this.features = features;
        this.data = new Int32Array(size * features);
        this.head = 0;
        this.count = 0;
        this.views = [];
        this.ordered = [];
        for (let i = 0; i < size; i++)
            this.views.push(this.data.subarray(i * features, (i + 1) * features));
    }
    push(sample) {
        const v = this.views[this.head];
        for (let f = 0; f < this.features; f++)
            v[f] = sample[f];
        this.head = (this.head + 1) % this.size;
        if (this.count < this.size)
            this.count++;
    }
    full() {
        return this.count === this.size;
    }
    length() {
        return this.count;
    }
    clear() {
        this.head = 0;
        this.count = 0;
    }
    /** The samples, oldest first. */
    rows() {
        const n = this.count;
        const start = (this.head - n + this.size) % this.size;
        this.ordered.length = n;
        for (let i = 0; i < n; i++)
            this.ordered[i] = this.views[(start + i) % this.size];
        return this.ordered;
    }
}
/**
 * Integer exponential smoothing of score vectors: s = s + (x - s) * num / den, in integers
 * (floor division), so the device and the host agree exactly. num/den = 1 disables it.
 */
class Smoother {
    constructor(width, num, den) {
        if (!(den >= 1) || !(num >= 1) || num > den)
            throw new Error('tinyrnn: smoothing needs 1 <= num <= den');
        this.state = new Int32Array(width);
        this.primed = false;
        this.num = num;
        this.den = den;
    }
    reset() {
        this.primed = false;
    }
    update(x) {
        const s = this.state;
        if (!this.primed) {
            for (let i = 0; i < s.length; i++)
                s[i] = x[i];
            this.primed = true;
            return s;
        }
        for (let i = 0; i < s.length; i++)
            s[i] = s[i] + Math.floor(((x[i] - s[i]) * this.num) / this.den);
        return s;
    }
}
/**
 * Debouncing: a class becomes the decision only after it has won `confirm` consecutive times;
 * after a change, no new change is accepted for `holdoff` decisions.
 */
class Debouncer {
    constructor(confirm, holdoff) {
        this.confirm = confirm >= 1 ? confirm : 1;
        this.holdoff = holdoff >= 0 ? holdoff : 0;
        this.candidate = -1;
        this.streak = 0;
        this.wait = 0;
        this.current = -1;
    }
    reset() {
        this.candidate = -1;
        this.streak = 0;
        this.wait = 0;
        this.current = -1;
    }
    /** Feeds one raw decision; returns true when the debounced decision changed. */
    update(k) {
        const blocked = this.wait > 0;
        if (blocked)
            this.wait--;
        if (k === this.candidate)
            this.streak++;
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
/**
 * Feeds raw sensor samples to a model and reports decisions as events:
 *  'prediction' every hop (the smoothed argmax), 'change' when the debounced class changes,
 *  'output' with the raw model output vector (stream mode, every hop).
 */
class Stream extends Emitter {
    constructor(model, options) {
        super();
        const o = options || {};
        this.model = model;
        this.mode = o.mode === 'window' ? 'window' : 'stream';
        if (this.mode === 'stream' && !model.streaming)
            throw new Error('tinyrnn: this model cannot stream (bidirectional): use mode "window"');
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
    reset() {
        this.model.reset();
        this.smoother.reset();
        this.debouncer.reset();
        if (this.win)
            this.win.clear();
        this.n = 0;
    }
    /** Feeds one sample of raw integers (F values). */
    pushRaw(sample) {
        this.n++;
        let out = null;
        if (this.win) {
            this.win.push(sample);
            if (this.win.full() && this.n % this.hop === 0) {
                const r = this.model.run(this.win.rows());
                out = r[r.length - 1];
            }
        }
        else {
            out = this.model.step(sample);
            if (this.n % this.hop !== 0)
                out = null;
        }
        if (out)
            this.decide(out);
    }
    /** Feeds one sample of model-unit values (floats, e.g. g): converted with the model's rawPerUnit. */
    push(sample) {
        this.pushRaw(this.model.toRaw(sample, this.raw));
    }
    decide(out) {
        this.emit('output', out);
        if (!this.model.classification)
            return;
        const s = this.smoother.update(out);
        let best = 0;
        let second = -1;
        for (let i = 1; i < s.length; i++) {
            if (s[i] > s[best]) {
                second = best;
                best = i;
            }
            else if (second < 0 || s[i] > s[second])
                second = i;
        }
        const confident = second < 0 || s[best] - s[second] >= this.margin;
        const label = this.model.labels.length ? this.model.labels[best] : String(best);
        const p = { index: best, label: label, score: s[best], sample: this.n };
        this.emit('prediction', p);
        if (confident && this.debouncer.update(best))
            this.emit('change', p);
    }
    /** The debounced class index (-1 before the first decision). */
    current() {
        return this.debouncer.current;
    }
}
/** Creates a stream (the entry point apps use). */
function createStream(model, options) {
    return new Stream(model, options);
}
exports.Emitter = Emitter;
exports.SampleWindow = SampleWindow;
exports.Smoother = Smoother;
exports.Debouncer = Debouncer;
exports.Stream = Stream;
exports.createStream = createStream;
