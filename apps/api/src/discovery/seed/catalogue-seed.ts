import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { COMMERCIAL_LICENSES } from '../search/license-commercial-use';
import { searchDocument } from '../search/search-text';
import { bulk, bulkBranches, bulkCommits, commitId, pgArray, prng } from './seed-sql';

/**
 * A realistic catalogue written straight into PostgreSQL with bulk statements (INSERT ... SELECT
 * FROM unnest of one array per column, thousands of rows a statement), not through the API:
 * 100,000 models in well under a minute. Used by `node apps/api/dist/cli/seed.js` (a populated hub
 * to look at) and by bench/search.
 *
 * What it writes, as the hub itself would have: users and organizations (their namespaces,
 * memberships, a third of the organizations verified), models with an initial commit, a commit
 * adding README.md (English or Chinese card with front-matter, stored inline as a blob) and `main`
 * on it; card columns and the search document; parameter counts as the safetensors scan would
 * leave them; licence offers with terms; likes (rows and counts), downloads with counts for the
 * last days, and trending scores computed by the same SQL as the trending job.
 */
export interface SeedOptions {
  models: number;
  /** PRNG seed: the same seed gives the same catalogue. */
  seed?: number;
  /** Password of every seeded user (already hashed with the hub's hasher). */
  passwordHash: string;
  log?: (line: string) => void;
}

export interface SeedReport {
  users: number;
  organizations: number;
  models: number;
  likes: number;
  offers: number;
  downloadDays: number;
  milliseconds: number;
}

interface Family {
  name: string;
  tasks: string[];
  library: string;
  sizes: string[];
  /** Parameters (billions) by size suffix. */
  zh?: boolean;
}

const FAMILIES: Family[] = [
  { name: 'llama', tasks: ['text-generation'], library: 'transformers', sizes: ['7b', '13b', '70b', '8b'] },
  { name: 'qwen2.5', tasks: ['text-generation'], library: 'transformers', sizes: ['0.5b', '1.5b', '7b', '14b', '72b'], zh: true },
  { name: 'mistral', tasks: ['text-generation'], library: 'transformers', sizes: ['7b'] },
  { name: 'mixtral', tasks: ['text-generation'], library: 'transformers', sizes: ['8x7b'] },
  { name: 'gemma', tasks: ['text-generation'], library: 'transformers', sizes: ['2b', '7b', '9b'] },
  { name: 'phi', tasks: ['text-generation'], library: 'transformers', sizes: ['2', '3-mini', '3.5'] },
  { name: 'deepseek', tasks: ['text-generation'], library: 'transformers', sizes: ['7b', '33b', '67b'], zh: true },
  { name: 'baichuan2', tasks: ['text-generation'], library: 'transformers', sizes: ['7b', '13b'], zh: true },
  { name: 'chatglm3', tasks: ['text-generation'], library: 'transformers', sizes: ['6b'], zh: true },
  { name: 'internlm2', tasks: ['text-generation'], library: 'transformers', sizes: ['7b', '20b'], zh: true },
  { name: 'yi', tasks: ['text-generation'], library: 'transformers', sizes: ['6b', '34b'], zh: true },
  {
    name: 'bert',
    tasks: ['fill-mask', 'text-classification', 'token-classification', 'question-answering'],
    library: 'transformers',
    sizes: ['base', 'large', 'tiny'],
  },
  { name: 'roberta', tasks: ['fill-mask', 'text-classification'], library: 'transformers', sizes: ['base', 'large'] },
  { name: 'deberta-v3', tasks: ['text-classification', 'token-classification'], library: 'transformers', sizes: ['small', 'base', 'large'] },
  { name: 'macbert', tasks: ['fill-mask', 'text-classification'], library: 'transformers', sizes: ['base', 'large'], zh: true },
  { name: 'xlm-roberta', tasks: ['fill-mask', 'token-classification'], library: 'transformers', sizes: ['base', 'large'] },
  { name: 't5', tasks: ['translation', 'summarization', 'text2text-generation'], library: 'transformers', sizes: ['small', 'base', 'large'] },
  { name: 'mt5', tasks: ['translation', 'summarization'], library: 'transformers', sizes: ['small', 'base'], zh: true },
  { name: 'bart', tasks: ['summarization'], library: 'transformers', sizes: ['base', 'large'] },
  { name: 'marian', tasks: ['translation'], library: 'transformers', sizes: ['en-zh', 'zh-en', 'en-de', 'en-fr'] },
  { name: 'nllb', tasks: ['translation'], library: 'transformers', sizes: ['600m', '1.3b'] },
  { name: 'whisper', tasks: ['automatic-speech-recognition'], library: 'transformers', sizes: ['tiny', 'small', 'medium', 'large-v3'] },
  { name: 'wav2vec2', tasks: ['automatic-speech-recognition'], library: 'transformers', sizes: ['base', 'large'] },
  { name: 'bge', tasks: ['sentence-similarity', 'feature-extraction'], library: 'sentence-transformers', sizes: ['small', 'base', 'large'], zh: true },
  { name: 'e5', tasks: ['sentence-similarity', 'feature-extraction'], library: 'sentence-transformers', sizes: ['small', 'base', 'large'] },
  { name: 'minilm', tasks: ['sentence-similarity'], library: 'sentence-transformers', sizes: ['l6', 'l12'] },
  { name: 'stable-diffusion', tasks: ['text-to-image'], library: 'diffusers', sizes: ['v1-5', '2-1', 'xl'] },
  { name: 'vit', tasks: ['image-classification'], library: 'timm', sizes: ['base', 'large', 'small'] },
  { name: 'resnet', tasks: ['image-classification'], library: 'timm', sizes: ['18', '50', '101'] },
  { name: 'yolo', tasks: ['object-detection'], library: 'ultralytics', sizes: ['v8n', 'v8s', 'v8m'] },
  { name: 'detr', tasks: ['object-detection'], library: 'transformers', sizes: ['resnet-50', 'resnet-101'] },
  { name: 'clip', tasks: ['zero-shot-image-classification'], library: 'transformers', sizes: ['vit-b-32', 'vit-l-14'] },
  { name: 'sam', tasks: ['mask-generation'], library: 'transformers', sizes: ['vit-base', 'vit-huge'] },
];

const VARIANTS = [
  'chat',
  'instruct',
  'base',
  'finetuned',
  'sentiment',
  'ner',
  'squad',
  'zh',
  'chinese',
  'multilingual',
  'gguf',
  'awq',
  'gptq',
  'lora',
  'medical',
  'legal',
  'finance',
  'code',
  'math',
  'v2',
  'distilled',
  'uncased',
];
const TAG_POOL = [
  'pytorch',
  'safetensors',
  'text-generation-inference',
  'conversational',
  'chat',
  'code',
  'math',
  'medical',
  'legal',
  'finance',
  'quantized',
  'lora',
  'merge',
  'multilingual',
  'sentiment',
  'ner',
  'rag',
  'embeddings',
  'vision',
  'audio',
  'endpoints_compatible',
  'region:cn',
  'region:us',
  'region:eu',
  '中文',
  '金融',
  '医疗',
  '法律',
];
const LICENSES: readonly (readonly [string | null, number])[] = [
  ['apache-2.0', 35],
  ['mit', 18],
  ['llama2', 4],
  ['llama3', 4],
  ['cc-by-nc-4.0', 8],
  ['openrail', 4],
  ['cc-by-4.0', 5],
  ['gpl-3.0', 2],
  ['other', 5],
  ['bsd-3-clause', 3],
  ['cc-by-sa-4.0', 2],
  ['gemma', 2],
  ['cc-by-nc-sa-4.0', 2],
  ['creativeml-openrail-m', 1],
  [null, 5],
];
const ORG_WORDS = [
  'deep',
  'open',
  'neural',
  'quantum',
  'bright',
  'blue',
  'silver',
  'cloud',
  'data',
  'vision',
  'speech',
  'alpha',
  'nova',
  'river',
  'mountain',
  'harbor',
  'beijing',
  'shanghai',
  'shenzhen',
  'hangzhou',
  'berlin',
  'paris',
  'tokyo',
  'seoul',
  'zurich',
  'boston',
];
const ORG_SUFFIX = ['ai', 'labs', 'research', 'tech', 'nlp', 'ml', 'group', 'institute', 'university', 'studio'];
const FIRST = [
  'wei',
  'li',
  'ming',
  'jing',
  'hao',
  'yan',
  'anna',
  'lukas',
  'maria',
  'james',
  'sofia',
  'arjun',
  'kenji',
  'emma',
  'noah',
  'olga',
  'omar',
  'lea',
  'chen',
  'xin',
];
const DOMAINS = [
  'finance',
  'healthcare',
  'legal',
  'e-commerce',
  'education',
  'news',
  'customer service',
  'government',
  'automotive',
  'gaming',
  'biology',
  'chemistry',
  'social media',
  'travel',
  'retail',
];
const DOMAINS_ZH = ['金融', '医疗', '法律', '电商', '教育', '新闻', '客服', '政务', '汽车', '游戏', '生物', '化学', '社交媒体', '旅游', '零售'];
const DATASETS = [
  'SQuAD',
  'GLUE',
  'C4',
  'WikiText',
  'Common Crawl',
  'IMDB',
  'SST-2',
  'CoNLL-2003',
  'LibriSpeech',
  'COCO',
  'ImageNet',
  'The Pile',
  'OpenWebText',
  'MS MARCO',
  'XNLI',
  'WMT19',
];
const DATASETS_ZH = [
  '中文维基百科',
  'CLUE基准',
  '人民日报语料',
  '微博语料',
  '大众点评评论',
  '知乎问答',
  '百度百科',
  '新闻联播文本',
  '法律文书',
  '医学教材',
  '电商商品评论',
  '金融研报',
];
const APPS_ZH = ['智能客服', '知识问答', '舆情监测', '内容审核', '推荐系统', '搜索引擎', '文档理解', '机器翻译', '语音助手', '合同审查'];
const EN_SENTENCES = [
  'This model is fine-tuned for {task} on {dataset}.',
  'It is based on {family} {size} and was trained with mixed precision.',
  'Built for {domain} applications; evaluation results on {dataset} are reported below.',
  'The {family} {size} checkpoint reaches strong accuracy on {dataset}.',
  'Intended uses: {task} in {domain}, within the licence terms.',
  'Limitations: the model may produce biased or incorrect outputs in {domain}.',
  'Trained on English web text, books and {domain} documents.',
  'Quantized weights are provided for fast inference on consumer hardware.',
  'Continued pre-training on {dataset} improves {task} for {domain} text.',
];
const ZH_SENTENCES = [
  '本模型基于{family}，在{datasetZh}上针对{taskZh}任务进行了微调。',
  '适用于{domainZh}场景下的{taskZh}，可用于{appZh}。',
  '该模型在{datasetZh}上预训练，支持{taskZh}等下游任务。',
  '我们在{domainZh}领域的数据上进行了继续训练。',
  '模型权重以safetensors格式发布，可直接用于推理。',
  '请注意：模型在{domainZh}领域可能生成不准确的内容。',
  '支持中英文双语对话，适合构建{appZh}系统。',
  '提供量化版本，可在消费级显卡上运行{appZh}。',
];
/** Added to the cards of sentiment models. */
const SENTIMENT_ZH = '用于{domainZh}评论的中文情感分析模型，支持正面、负面和中性三分类。';
const SENTIMENT_EN = 'A sentiment analysis model for {domain} reviews: positive, negative or neutral.';
const TASK_ZH: Record<string, string> = {
  'text-generation': '文本生成',
  'fill-mask': '掩码填充',
  'text-classification': '文本分类',
  'token-classification': '命名实体识别',
  'question-answering': '问答',
  translation: '机器翻译',
  summarization: '文本摘要',
  'automatic-speech-recognition': '语音识别',
  'sentence-similarity': '语义相似度',
  'feature-extraction': '特征提取',
  'text-to-image': '文生图',
  'image-classification': '图像分类',
  'object-detection': '目标检测',
  'text2text-generation': '文本到文本生成',
  'zero-shot-image-classification': '零样本图像分类',
  'mask-generation': '图像分割',
};

function paramsOf(size: string, r: ReturnType<typeof prng>): number | null {
  const b = /^(\d+(?:\.\d+)?)b$/.exec(size);
  if (b) return Math.round(Number(b[1]) * 1e9 * (0.95 + r.next() * 0.1));
  const m = /^(\d+)m$/.exec(size);
  if (m) return Number(m[1]) * 1e6;
  const named: Record<string, number> = { tiny: 4.4e6, small: 6e7, base: 1.1e8, medium: 3.5e8, large: 3.4e8, 'large-v3': 1.55e9, '8x7b': 4.67e10 };
  return named[size] ?? (r.next() < 0.5 ? Math.round(1e7 + r.next() * 5e8) : null);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export async function seedCatalogue(pool: Pool, opts: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const r = prng(opts.seed ?? 42);
  const N = opts.models;
  const userCount = Math.max(10, Math.ceil(N / 20));
  const orgCount = Math.max(5, Math.ceil(N / 50));
  const db = await pool.connect();
  try {
    const taken = new Set((await db.query<{ name_key: string }>('SELECT name_key FROM namespaces')).rows.map((x) => x.name_key));
    const unique = (base: string) => {
      let name = base;
      for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}-${k}`;
      taken.add(name.toLowerCase());
      return name;
    };
    const now = Date.now();
    const past = (days: number) => new Date(now - r.next() * days * 86_400_000);

    // Users and organizations, each with its namespace.
    const namespaces: unknown[][] = [];
    const users: { id: string; nsId: string; name: string }[] = [];
    for (let i = 0; i < userCount; i++) {
      const name = unique(`${r.pick(FIRST)}-${r.pick(FIRST)}${r.int(1000)}`);
      const u = { id: randomUUID(), nsId: randomUUID(), name };
      users.push(u);
      namespaces.push([u.nsId, name, name.toLowerCase(), 'user', past(900)]);
    }
    const orgs: { id: string; nsId: string; name: string; verified: boolean }[] = [];
    for (let i = 0; i < orgCount; i++) {
      const name = unique(`${r.pick(ORG_WORDS)}-${r.pick(ORG_WORDS)}-${r.pick(ORG_SUFFIX)}`);
      const o = { id: randomUUID(), nsId: randomUUID(), name, verified: r.next() < 0.33 };
      orgs.push(o);
      namespaces.push([o.nsId, name, name.toLowerCase(), 'org', past(900)]);
    }
    await db.query('BEGIN');
    await bulk(
      db,
      'namespaces',
      [
        ['id', 'uuid'],
        ['name', 'text'],
        ['name_key', 'text'],
        ['kind', 'namespace_kind'],
        ['created_at', 'timestamp'],
      ],
      namespaces,
    );
    await bulk(
      db,
      'users',
      [
        ['id', 'uuid'],
        ['namespace_id', 'uuid'],
        ['username', 'text'],
        ['email', 'text'],
        ['email_key', 'text'],
        ['full_name', 'text'],
        ['password_hash', 'text'],
        ['updated_at', 'timestamp'],
      ],
      users.map((u) => [
        u.id,
        u.nsId,
        u.name,
        `${u.name}@seed.example`,
        `${u.name.toLowerCase()}@seed.example`,
        u.name.replace(/-/g, ' '),
        opts.passwordHash,
        new Date(),
      ]),
    );
    await bulk(
      db,
      'organizations',
      [
        ['id', 'uuid'],
        ['namespace_id', 'uuid'],
        ['name', 'text'],
        ['display_name', 'text'],
        ['kind', 'organization_kind'],
        ['description', 'text'],
        ['verified', 'bool'],
        ['verified_at', 'timestamp'],
        ['updated_at', 'timestamp'],
      ],
      orgs.map((o) => [
        o.id,
        o.nsId,
        o.name,
        o.name
          .split('-')
          .map((w) => w[0].toUpperCase() + w.slice(1))
          .join(' '),
        r.pick(['company', 'research', 'community']),
        `Models by ${o.name}`,
        o.verified,
        o.verified ? new Date() : null,
        new Date(),
      ]),
    );
    const memberships: unknown[][] = [];
    for (const o of orgs) {
      const members = r.some(users, 1 + r.int(4));
      members.forEach((u, k) => memberships.push([o.id, u.id, k === 0 ? 'owner' : r.pick(['admin', 'member'])]));
    }
    await bulk(
      db,
      'memberships',
      [
        ['organization_id', 'uuid'],
        ['user_id', 'uuid'],
        ['role', 'org_role'],
      ],
      memberships,
    );
    log(`seed: ${users.length} users, ${orgs.length} organizations`);

    // Models, their two commits, README blob, main branch.
    const models: unknown[][] = [];
    const commits: unknown[][] = [];
    // Content-addressed: identical cards are one blob.
    const blobs = new Map<string, unknown[]>();
    const files: unknown[][] = [];
    const branches: unknown[][] = [];
    const modelIds: string[] = [];
    const likesWanted: number[] = [];
    const downloadsOf: number[] = [];
    const names = new Set<string>();
    const sentenceDocs = new Map<string, string>();
    const sentenceDocument = (sentence: string) => {
      let doc = sentenceDocs.get(sentence);
      if (doc === undefined) sentenceDocs.set(sentence, (doc = searchDocument(sentence)));
      return doc;
    };
    for (let i = 0; i < N; i++) {
      const family = r.pick(FAMILIES);
      const size = r.pick(family.sizes);
      const variant = r.next() < 0.7 ? r.pick(VARIANTS) : null;
      const byOrg = r.next() < 0.85;
      const owner = byOrg ? r.pick(orgs) : r.pick(users);
      let name = [family.name, size, variant].filter(Boolean).join('-');
      for (let k = 2; names.has(`${owner.nsId}/${name.toLowerCase()}`); k++) name = `${[family.name, size, variant].filter(Boolean).join('-')}-v${k}`;
      names.add(`${owner.nsId}/${name.toLowerCase()}`);
      const task = r.pick(family.tasks);
      const license = r.weighted(LICENSES);
      const chinese = family.zh || variant === 'zh' || variant === 'chinese' ? r.next() < 0.8 : r.next() < 0.12;
      const languages = chinese ? (r.next() < 0.5 ? ['zh'] : ['zh', 'en']) : r.next() < 0.85 ? ['en'] : r.some(['en', 'fr', 'de', 'es', 'ja', 'ko'], 2);
      const tags = r.some(TAG_POOL, 2 + r.int(5)).filter((t) => chinese || !/[\u4e00-\u9fff]/.test(t));
      const sentences = chinese ? ZH_SENTENCES : EN_SENTENCES;
      const d = r.int(DOMAINS.length);
      const slots: Record<string, string> = {
        task,
        family: family.name,
        size,
        domain: DOMAINS[d],
        domainZh: DOMAINS_ZH[d],
        taskZh: TASK_ZH[task] ?? task,
        dataset: r.pick(DATASETS),
        datasetZh: r.pick(DATASETS_ZH),
        appZh: r.pick(APPS_ZH),
      };
      const picked = [...(variant === 'sentiment' ? [chinese ? SENTIMENT_ZH : SENTIMENT_EN] : []), ...r.some(sentences, 2 + r.int(3))].map((s) =>
        s.replace(/\{(\w+)\}/g, (_, k: string) => slots[k] ?? k),
      );
      const body = picked.join(' ');
      const meta = [
        '---',
        ...(license ? [`license: ${license}`] : []),
        `pipeline_tag: ${task}`,
        `library_name: ${family.library}`,
        `language:\n${languages.map((l) => `- ${l}`).join('\n')}`,
        `tags:\n${tags.map((t) => `- ${JSON.stringify(t)}`).join('\n')}`,
        '---',
      ].join('\n');
      const readme = `${meta}\n\n# ${name}\n\n${body}\n`;
      const readmeSha = sha256(readme);
      const id = randomUUID();
      const created = past(720);
      const modified = new Date(created.getTime() + r.next() * (now - created.getTime()));
      const downloads = r.next() < 0.15 ? 0 : Math.floor(Math.exp(r.next() * 12)) - 1;
      const likes = r.next() < 0.75 ? 0 : Math.min(users.length, Math.floor(Math.exp(r.next() * 4.5)));
      const params = r.next() < 0.7 ? paramsOf(size, r) : null;
      const dtype = r.weighted([
        ['BF16', 5],
        ['F16', 3],
        ['F32', 2],
      ] as const);
      const priv = r.next() < 0.05;
      const initial = commitId();
      const card = commitId();
      modelIds.push(id);
      likesWanted.push(likes);
      downloadsOf.push(downloads);
      models.push([
        id,
        owner.nsId,
        name,
        name.toLowerCase(),
        priv,
        !priv && r.next() < 0.05 ? 'auto' : 'none',
        license,
        task,
        family.library,
        pgArray(tags),
        pgArray(languages),
        JSON.stringify({ license, pipeline_tag: task, library_name: family.library, language: languages, tags }),
        downloads,
        likes,
        params,
        params === null ? null : JSON.stringify({ parameters: { [dtype]: params }, total: params }),
        // What indexing the card gives (cardText of this README is its title and body), with each
        // sentence segmented once: Chinese segmentation is most of the generation time otherwise.
        [searchDocument(name), ...picked.map(sentenceDocument)].join(' '),
        created,
        modified,
        modified,
      ]);
      const author = byOrg ? null : owner.id;
      commits.push([initial, id, null, author, 'Initial commit', created], [card, id, initial, author, 'Add model card', modified]);
      blobs.set(readmeSha, [readmeSha, Buffer.byteLength(readme), Buffer.from(readme)]);
      files.push([card, 'README.md', readmeSha, Buffer.byteLength(readme), false, card]);
      branches.push([id, 'main', card, modified]);
    }
    log(`seed: ${N} models generated (${Date.now() - started} ms)`);
    await bulk(
      db,
      'models',
      [
        ['id', 'uuid'],
        ['namespace_id', 'uuid'],
        ['name', 'text'],
        ['name_key', 'text'],
        ['private', 'bool'],
        ['gated', 'gated_mode'],
        ['license', 'text'],
        ['pipeline_tag', 'text'],
        ['library_name', 'text'],
        ['tags', 'text[]'],
        ['languages', 'text[]'],
        ['card_data', 'jsonb'],
        ['downloads', 'int4'],
        ['likes', 'int4'],
        ['parameters', 'int8'],
        ['safetensors', 'jsonb'],
        ['search_body', 'text'],
        ['created_at', 'timestamp'],
        ['last_modified', 'timestamp'],
        ['updated_at', 'timestamp'],
      ],
      models,
    );
    log(`seed: ${N} models inserted (${Date.now() - started} ms)`);
    await bulkCommits(db, commits);
    await bulk(
      db,
      'blobs',
      [
        ['sha256', 'text'],
        ['size', 'int8'],
        ['inline_data', 'bytea'],
      ],
      [...blobs.values()],
      'ON CONFLICT (sha256) DO NOTHING',
    );
    await bulk(
      db,
      'commit_files',
      [
        ['commit_id', 'bpchar'],
        ['path', 'text'],
        ['blob_sha256', 'text'],
        ['size', 'int8'],
        ['lfs', 'bool'],
        ['last_commit_id', 'bpchar'],
      ],
      files,
    );
    await bulkBranches(db, branches);
    log('seed: commits, cards and branches');

    // Likes: distinct users per model, as many as the model's count.
    const likeRows: unknown[][] = [];
    modelIds.forEach((id, i) => {
      for (const u of r.some(users, likesWanted[i])) likeRows.push([u.id, id, past(60)]);
    });
    await bulk(
      db,
      'model_likes',
      [
        ['user_id', 'uuid'],
        ['model_id', 'uuid'],
        ['created_at', 'timestamp'],
      ],
      likeRows,
    );
    // Counted downloads of the last 10 days for the models downloaded the most.
    const dayRows: unknown[][] = [];
    const today = new Date(new Date().toISOString().slice(0, 10));
    modelIds.forEach((id, i) => {
      if (downloadsOf[i] < 2000) return;
      for (let d = 0; d < 10; d++) {
        const n = Math.floor((downloadsOf[i] / 365) * r.next() * 2);
        if (n > 0) dayRows.push([id, new Date(today.getTime() - d * 86_400_000), n]);
      }
    });
    await bulk(
      db,
      'model_download_days',
      [
        ['model_id', 'uuid'],
        ['day', 'date'],
        ['downloads', 'int4'],
      ],
      dayRows,
    );
    // Licence offers: open SPDX offers and custom commercial licences, with their terms.
    const offers: unknown[][] = [];
    const terms: unknown[][] = [];
    modelIds.forEach((id) => {
      if (r.next() >= 0.1) return;
      const offerId = randomUUID();
      const custom = r.next() < 0.6;
      const spdx = custom ? null : r.pick(['apache-2.0', 'mit', 'cc-by-nc-4.0']);
      offers.push([
        offerId,
        id,
        custom ? 'custom' : 'open',
        custom ? 'Commercial licence' : `Open licence (${spdx})`,
        spdx,
        custom ? r.pick(['auto', 'manual']) : 'auto',
        new Date(),
      ]);
      terms.push([
        offerId,
        1,
        custom ? 'Use in products and services, worldwide, for the term of the grant.' : '',
        custom ? r.next() < 0.7 : COMMERCIAL_LICENSES.includes(spdx!),
      ]);
    });
    await bulk(
      db,
      'license_offers',
      [
        ['id', 'uuid'],
        ['model_id', 'uuid'],
        ['kind', 'license_offer_kind'],
        ['title', 'text'],
        ['spdx_id', 'text'],
        ['approval', 'license_approval'],
        ['updated_at', 'timestamptz'],
      ],
      offers,
    );
    await bulk(
      db,
      'license_terms_versions',
      [
        ['offer_id', 'uuid'],
        ['version', 'int4'],
        ['text', 'text'],
        ['commercial_use', 'bool'],
      ],
      terms,
    );
    await db.query('COMMIT');
    log(`seed: ${likeRows.length} likes, ${dayRows.length} download days, ${offers.length} licence offers`);
    return {
      users: users.length,
      organizations: orgs.length,
      models: N,
      likes: likeRows.length,
      offers: offers.length,
      downloadDays: dayRows.length,
      milliseconds: Date.now() - started,
    };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.release();
  }
}
