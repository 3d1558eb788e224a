import { createHash } from 'node:crypto';
import { gitBlobId } from '../repo-history/git-oid';

/**
 * The `.gitattributes` Hugging Face writes into the initial commit of every new model repository:
 * these patterns make git (and the clients' preupload) send such files through LFS.
 */
const PATTERNS = [
  '*.7z',
  '*.arrow',
  '*.bin',
  '*.bz2',
  '*.ckpt',
  '*.ftz',
  '*.gz',
  '*.h5',
  '*.joblib',
  '*.lfs.*',
  '*.mlmodel',
  '*.model',
  '*.msgpack',
  '*.npy',
  '*.npz',
  '*.onnx',
  '*.ot',
  '*.parquet',
  '*.pb',
  '*.pickle',
  '*.pkl',
  '*.pt',
  '*.pth',
  '*.rar',
  '*.safetensors',
  'saved_model/**/*',
  '*.tar.*',
  '*.tar',
  '*.tflite',
  '*.tgz',
  '*.wasm',
  '*.xz',
  '*.zip',
  '*.zst',
  '*tfevents*',
];

export interface InitialFile {
  path: string;
  bytes: Buffer;
  sha256: string;
  gitOid: string;
  size: bigint;
}

const bytes = Buffer.from(PATTERNS.map((p) => `${p} filter=lfs diff=lfs merge=lfs -text\n`).join(''), 'utf8');

export const DEFAULT_GITATTRIBUTES: InitialFile = {
  path: '.gitattributes',
  bytes,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  gitOid: gitBlobId(bytes),
  size: BigInt(bytes.length),
};
