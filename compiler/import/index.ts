// Importers into the float IR. ONNX covers PyTorch (torch.onnx.export) and Keras (tf2onnx).
import * as path from 'node:path';
import { TinyrnnError } from '../core/ir/errors';
import { readFileBytes } from '../core/ir/format';
import { ImportOptions, ImportResult, importOnnx } from './onnx/import';

export { importOnnx, importOnnxModel, SUPPORTED_OPS, MIN_OPSET, MAX_OPSET } from './onnx/import';
export type { ImportOptions, ImportResult, ImportedLayer } from './onnx/import';
export { decodeOnnx, decodeOnnxTensor, encodeOnnxModel, encodeOnnxTensor } from './onnx/codec';
export type { OnnxModel, OnnxGraph, OnnxNode, OnnxTensor, OnnxAttribute, OnnxValueInfo } from './onnx/codec';
export { ONNX_DTYPE, ONNX_ATTR_TYPE } from './onnx/schema';

/** Reads and imports an .onnx file; errors name the file. */
export function importOnnxFile(file: string, opts: ImportOptions = {}): ImportResult {
  try {
    return importOnnx(readFileBytes(file), { source: path.basename(file), ...opts });
  } catch (e) {
    throw e instanceof TinyrnnError && !e.file ? e.inFile(file) : e;
  }
}
