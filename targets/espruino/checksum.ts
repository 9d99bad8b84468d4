// The file checksum `tinyrnn flash` uses to verify what the board stored: computed on the device
// with native helpers only (no copy of the file in RAM on boards with memory-mapped Storage):
//   u = new Uint8Array(E.toArrayBuffer(require("Storage").read(name)))
//   [u.length, E.sum(u), E.convolve(u, R, 0)]   with R[i] = i + 1 for i < 251 (a prime length)
// The weighted sum catches reordered and shifted bytes, the plain sum and the length the rest;
// every value is an integer far below 2^53, so host and device agree exactly.
export const RAMP_LENGTH = 251;

export function checksumOf(bytes: Uint8Array): [number, number, number] {
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < bytes.length; i++) {
    sum += bytes[i];
    weighted += bytes[i] * ((i % RAMP_LENGTH) + 1);
  }
  return [bytes.length, sum, weighted];
}

/** The device expression that returns the checksum of a Storage file as JSON (or -1 when missing). */
export function checksumExpression(name: string): string {
  const n = JSON.stringify(name);
  return `(function(){var s=require("Storage").read(${n});if(s===undefined)return -1;var u=new Uint8Array(E.toArrayBuffer(s)),R=new Uint8Array(${RAMP_LENGTH}),i;for(i=0;i<${RAMP_LENGTH};i++)R[i]=i+1;return [u.length,E.sum(u),u.length?E.convolve(u,R,0):0];})()`;
}
