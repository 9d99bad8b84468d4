// Golden-vector cases of the liquid state machine.
import { GoldenCase } from '../../../runtime/vectors/case';

export function lsmGoldenCases(): GoldenCase[] {
  return [];
}
