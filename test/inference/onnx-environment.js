// Jest runs each test file in a vm context with its own typed-array constructors, while
// onnxruntime-node's native binding creates its output tensors' arrays in the process's own realm,
// so onnxruntime-common's `instanceof Float32Array` check fails inside Jest (never outside it).
// The inference tests run in this environment, which hands the sandbox the process's constructors.
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'ArrayBuffer',
];

class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxEnvironment;
