// A count of the work a loader did on one input: items visited, elements decoded or allocated.
// The loaders of hostile input (ONNX import, JSON and CSV data) add to one when given it, so the
// fuzz tests can hold each input's work to a bound linear in its size: a loop that turns
// quadratic is found by counting, not by a clock.

export class WorkMeter {
  count = 0;
  add(n: number): void {
    this.count += n;
  }
}
