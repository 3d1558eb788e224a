import fs from 'node:fs';
import { type Command } from 'commander';
import { CliError, EXIT, usageError } from '../core/errors';
import { modelPath, parseRepoId } from '../core/hub-client';
import { dateCell } from '../core/output';
import { type CommandContext, examples, intOption, run } from './command-context';

interface Deployment extends Record<string, unknown> {
  id: string;
  model: string;
  version: string;
  backend: string;
  state: string;
  failureReason: string | null;
  limits: { concurrency: number; queue: number; timeoutMs: number; maxRequestBytes: number };
  recent: { calls: number; errors: number; p50Ms: number | null };
  endpoint: string;
  createdAt: string;
}

interface OutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

const deploymentPath = (repo: string, id?: string) => `${modelPath(parseRepoId(repo))}/deployments${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;

function printDeployment(ctx: CommandContext, d: Deployment): void {
  ctx.out.line(`${d.id} ${d.model}@${d.version} [${d.backend}, ${d.state}]${d.failureReason ? `: ${d.failureReason}` : ''}`);
  ctx.out.line(`  endpoint: ${d.endpoint}`);
  ctx.out.line(`  limits: concurrency ${d.limits.concurrency}, queue ${d.limits.queue}, timeout ${d.limits.timeoutMs} ms`);
  ctx.out.line(`  last hour: ${d.recent.calls} calls, ${d.recent.errors} errors${d.recent.p50Ms === null ? '' : `, p50 ${d.recent.p50Ms} ms`}`);
}

/** `deployments list|create|show|stop|delete` over the hosted-inference API. */
export function registerDeploymentCommands(program: Command): void {
  const deployments = program
    .command('deployments')
    .description('Hosted inference: serve a version of a model, see its state and recent latency, stop or delete it (call it with infer)')
    .addHelpText(
      'after',
      examples(
        'modelhub deployments create acme-ai/sentiment --version v1.0 --concurrency 4',
        'modelhub deployments list acme-ai/sentiment',
        'modelhub deployments stop acme-ai/sentiment 0c5f...',
      ),
    );

  deployments
    .command('list <repo>')
    .alias('ls')
    .description('Deployments of the model, newest first')
    .addHelpText('after', examples('modelhub deployments list acme-ai/sentiment', 'modelhub deployments list acme-ai/sentiment --json | jq ".[].state"'))
    .action(
      run(async (ctx, repo: string) => {
        const list = await ctx.client.get<Deployment[]>(deploymentPath(repo));
        ctx.out.data(list, () =>
          ctx.out.table(list, [
            { key: 'id', title: 'ID' },
            { key: 'version', title: 'VERSION' },
            { key: 'backend', title: 'BACKEND' },
            { key: 'state', title: 'STATE' },
            { key: 'recent', title: 'CALLS/H', format: (v) => String((v as Deployment['recent']).calls) },
            { key: 'createdAt', title: 'CREATED', format: dateCell },
          ]),
        );
      }),
    );

  deployments
    .command('create <repo>')
    .description("Deploy a version (the model's administrators); an embedded deployment loads in the background (state loading, then ready)")
    .requiredOption('--version <version>', 'the version to serve')
    .option('--backend <backend>', 'embedded (onnxruntime in the hub) or remote', 'embedded')
    .option('--file <path>', 'embedded: the .onnx file of the version (default: its only one)')
    .option('--concurrency <n>', 'calls that run at once', intOption('--concurrency', 1))
    .option('--queue <n>', 'calls that may wait for a slot (the rest get 429)', intOption('--queue', 0))
    .option('--timeout-ms <n>', 'a call over this gets 504', intOption('--timeout-ms', 1))
    .addHelpText(
      'after',
      examples(
        'modelhub deployments create acme-ai/sentiment --version v1.0',
        'modelhub deployments create acme-ai/sentiment --version v1.0 --queue 0 --timeout-ms 5000 --json',
      ),
    )
    .action(
      run(async (ctx, repo: string, opts: { version: string; backend: string; file?: string; concurrency?: number; queue?: number; timeoutMs?: number }) => {
        const config = Object.fromEntries(
          Object.entries({ file: opts.file, concurrency: opts.concurrency, queue: opts.queue, timeoutMs: opts.timeoutMs }).filter(([, v]) => v !== undefined),
        );
        const created = await ctx.client.post<Deployment>(deploymentPath(repo), { version: opts.version, backend: opts.backend, config });
        ctx.out.data(created, () => printDeployment(ctx, created));
      }),
    );

  deployments
    .command('show <repo> <id>')
    .description('One deployment: state, limits, endpoint, calls of the last hour')
    .addHelpText(
      'after',
      examples('modelhub deployments show acme-ai/sentiment 0c5f...', 'modelhub deployments show acme-ai/sentiment 0c5f... --json | jq .signature'),
    )
    .action(
      run(async (ctx, repo: string, id: string) => {
        const d = await ctx.client.get<Deployment>(deploymentPath(repo, id));
        ctx.out.data(d, () => printDeployment(ctx, d));
      }),
    );

  deployments
    .command('stop <repo> <id>')
    .description('Stop serving (the model is unloaded; the deployment stays listed)')
    .addHelpText('after', examples('modelhub deployments stop acme-ai/sentiment 0c5f...'))
    .action(
      run(async (ctx, repo: string, id: string) => {
        const d = await ctx.client.post<Deployment>(`${deploymentPath(repo, id)}/stop`);
        ctx.out.data(d, () => ctx.out.line(`Stopped ${d.id} (${d.state})`));
      }),
    );

  deployments
    .command('delete <repo> <id>')
    .alias('rm')
    .description('Delete the deployment (its call records stay in the usage report)')
    .addHelpText('after', examples('modelhub deployments delete acme-ai/sentiment 0c5f...'))
    .action(
      run(async (ctx, repo: string, id: string) => {
        await ctx.client.delete(deploymentPath(repo, id));
        ctx.out.data({ deleted: id }, () => ctx.out.line(`Deleted ${id}`));
      }),
    );
}

function readInput(file: string): unknown {
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`Cannot read --input ${file}: ${(err as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw usageError(`--input ${file} is not JSON: ${(err as Error).message}`);
  }
  if (!body || typeof body !== 'object' || !Array.isArray((body as { inputs?: unknown }).inputs))
    throw usageError(`--input ${file} must be an Open Inference Protocol body: {"inputs": [{"name", "shape", "datatype", "data"}]}`);
  return body;
}

const FIRST_VALUES = 8;
const tensorLine = (t: OutputTensor) => {
  const values = t.data.slice(0, FIRST_VALUES).map((v) => JSON.stringify(v));
  return `${t.name} ${t.datatype} [${t.shape.join(',')}] ${values.join(' ')}${t.data.length > FIRST_VALUES ? ` ... (${t.data.length} values)` : ''}`;
};

/** `infer <repo>`: one Open Inference Protocol call to the deployment of a version. */
export function registerInferCommand(program: Command): void {
  program
    .command('infer <repo>')
    .description('Call a deployed model (Open Inference Protocol): post {"inputs": [...]} and print the output tensors')
    .requiredOption('--input <file>', 'the request body as JSON, or - for stdin')
    .option('--version <version>', 'the deployed version to call (default: the newest running deployment)')
    .option('--output-file <file>', 'write the whole answer as JSON to this file as well')
    .addHelpText(
      'after',
      examples(
        'modelhub infer acme-ai/sentiment --input request.json',
        'echo \'{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}\' | modelhub infer acme-ai/adder --version v1 --input -',
        'modelhub infer acme-ai/sentiment --input request.json --json | jq ".outputs[0].data"',
      ),
    )
    .action(
      run(async (ctx, repo: string, opts: { input: string; version?: string; outputFile?: string }) => {
        const { namespace, name } = parseRepoId(repo);
        const body = readInput(opts.input);
        const version = opts.version ? `/versions/${encodeURIComponent(opts.version)}` : '';
        const answer = await ctx.client.post<{ outputs?: OutputTensor[] }>(`/v2/models/${encodeURIComponent(`${namespace}--${name}`)}${version}/infer`, body);
        if (!answer || !Array.isArray(answer.outputs)) throw new CliError('The hub answered without outputs', EXIT.error);
        if (opts.outputFile) fs.writeFileSync(opts.outputFile, `${JSON.stringify(answer)}\n`);
        ctx.out.data(answer, () => {
          for (const t of answer.outputs!) ctx.out.line(tensorLine(t));
        });
      }),
    );
}
