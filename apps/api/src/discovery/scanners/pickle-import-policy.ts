/**
 * Which globals a pickle may import: each is `safe` (the allowlist below: containers, tensor and
 * array rebuilders), `dangerous` (code execution, processes, files, network, nested
 * unpickling...) or otherwise `suspicious`; a file is as bad as its worst import. The scanner
 * (pickle-scanner.ts) finds the imports; this decides what they mean.
 */
export type Safety = 'safe' | 'suspicious' | 'dangerous';

export interface PickleImport {
  module: string;
  name: string;
  safety: Safety;
}

const SEVERITY: Record<Safety, number> = { safe: 0, suspicious: 1, dangerous: 2 };
export const worst = (a: Safety, b: Safety): Safety => (SEVERITY[a] >= SEVERITY[b] ? a : b);

/** Modules any of whose globals is dangerous (submodules included). */
const DANGEROUS_MODULES = [
  'os',
  'posix',
  'nt',
  'subprocess',
  'sys',
  'shutil',
  'socket',
  'runpy',
  'pty',
  'commands',
  'webbrowser',
  'importlib',
  'code',
  'codeop',
  'ctypes',
  'multiprocessing',
  'asyncio',
  'pickle',
  '_pickle',
  'cPickle',
  'dill',
  'marshal',
  'types',
  'pdb',
  'bdb',
  'timeit',
  'trace',
  'profile',
  'cProfile',
  'requests',
  'urllib',
  'urllib2',
  'urllib3',
  'httplib',
  'http',
  'aiohttp',
  'httpx',
  'ftplib',
  'smtplib',
  'telnetlib',
  'xmlrpc',
  'platform',
  'pip',
  'setuptools',
  'distutils',
  'venv',
  'signal',
  'threading',
  '_thread',
  'tempfile',
  'glob',
  'pathlib',
  'io',
  '_io',
  'zipimport',
  'site',
  'sysconfig',
];

/** Dangerous globals of otherwise harmless modules. */
const DANGEROUS_GLOBALS: Record<string, string[]> = {
  builtins: [
    'eval',
    'exec',
    'execfile',
    'compile',
    'open',
    '__import__',
    'getattr',
    'setattr',
    'delattr',
    'globals',
    'locals',
    'vars',
    'input',
    'breakpoint',
    'apply',
    'file',
    'reload',
    'help',
    'exit',
    'quit',
  ],
  operator: ['attrgetter', 'methodcaller'],
  functools: ['partial', 'reduce'],
  'numpy.testing._private.utils': ['runstring'],
  torch: ['load'],
  'torch.serialization': ['load', '_load'],
  'torch.hub': ['load', 'load_state_dict_from_url', 'download_url_to_file'],
  'torch.storage': ['_load_from_bytes'],
  'torch._inductor.codecache': ['compile_file'],
  'torch.jit': ['load'],
  'torch.package': ['PackageImporter'],
};

/** What model checkpoints legitimately import. */
const SAFE_GLOBALS: Record<string, string[] | '*Storage'> = {
  collections: ['OrderedDict', 'defaultdict', 'deque', 'Counter'],
  'torch._utils': [
    '_rebuild_tensor',
    '_rebuild_tensor_v2',
    '_rebuild_tensor_v3',
    '_rebuild_parameter',
    '_rebuild_parameter_with_state',
    '_rebuild_qtensor',
    '_rebuild_sparse_tensor',
    '_rebuild_nested_tensor',
    '_rebuild_device_tensor_from_numpy',
    '_rebuild_meta_tensor_no_storage',
    '_rebuild_wrapper_subclass',
    '_rebuild_xla_tensor',
    '_rebuild_mps_tensor',
  ],
  'torch._tensor': ['_rebuild_from_type_v2'],
  torch: [
    'Size',
    'device',
    'Tensor',
    'float32',
    'float',
    'float64',
    'double',
    'float16',
    'half',
    'bfloat16',
    'int64',
    'long',
    'int32',
    'int',
    'int16',
    'short',
    'int8',
    'uint8',
    'bool',
    'complex64',
    'complex128',
    'float8_e4m3fn',
    'float8_e5m2',
    'qint8',
    'quint8',
    'qint32',
    'per_tensor_affine',
    'per_channel_affine',
    'contiguous_format',
    'channels_last',
    'preserve_format',
    'strided',
  ],
  'torch.storage': '*Storage',
  'torch.nn.parameter': ['Parameter'],
  'numpy.core.multiarray': ['_reconstruct', 'scalar'],
  'numpy._core.multiarray': ['_reconstruct', 'scalar'],
  numpy: ['ndarray', 'dtype'],
  _codecs: ['encode'],
  builtins: ['set', 'frozenset', 'slice', 'range', 'complex', 'bytearray', 'bytes', 'list', 'dict', 'tuple', 'int', 'float', 'str', 'bool', 'object'],
  copyreg: ['_reconstructor'],
};

const ALIASES: Record<string, string> = { __builtin__: 'builtins', __builtins__: 'builtins', copy_reg: 'copyreg' };

export function classifyImport(moduleName: string, name: string): Safety {
  const module = ALIASES[moduleName] ?? moduleName;
  if (DANGEROUS_MODULES.some((m) => module === m || module.startsWith(`${m}.`))) return 'dangerous';
  if (DANGEROUS_GLOBALS[module]?.includes(name)) return 'dangerous';
  // Attribute paths (`name` with dots, protocol 4) reach anything: judge the first hop too.
  const first = name.split('.')[0];
  if (first !== name && DANGEROUS_GLOBALS[module]?.includes(first)) return 'dangerous';
  const safe = SAFE_GLOBALS[module];
  if (safe === '*Storage' ? /^[A-Za-z0-9]*Storage$/.test(name) : safe?.includes(name)) return 'safe';
  if (module === 'torch' && /^[A-Za-z0-9]*Storage$/.test(name)) return 'safe';
  if (module === 'numpy.dtypes' && /^[A-Za-z0-9]+DType$/.test(name)) return 'safe';
  return 'suspicious';
}
