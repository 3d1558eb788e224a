import { type Command } from 'commander';
import { CliError, EXIT } from '../core/errors';
import { formatBytes } from '../core/format';
import { modelPath, parseRepoId } from '../core/hub-client';
import { dateCell } from '../core/output';
import { type CommandContext, examples, intOption, run } from './command-context';

interface Proposal extends Record<string, unknown> {
  number: number;
  title: string;
  kind: 'pull_request' | 'discussion';
  status: string;
  author: string | null;
  targetBranch: string;
  mergeCommitId: string | null;
}

interface ProposalEvent {
  type: string;
  author: string | null;
  createdAt: string;
  data: Record<string, unknown>;
}

interface FileDiff {
  path: string;
  status: string;
  oldPath?: string;
  old: { size: number } | null;
  new: { size: number } | null;
  unifiedDiff?: string;
  security?: { status: string };
}

const proposalPath = (id: string, num?: number) => `${modelPath(parseRepoId(id))}/proposals${num === undefined ? '' : `/${num}`}`;
const numberArg = intOption('<N>', 1);

/** One line per event of the conversation: comments with their text, the rest by what they changed. */
function eventText(e: ProposalEvent): string {
  const d = e.data;
  if (e.type === 'comment') return String((d.latest as { raw?: string } | undefined)?.raw ?? '');
  if (e.type === 'status_change') return `set the status to ${String(d.status)}`;
  if (e.type === 'commit') return `pushed ${String(d.oid ?? '').slice(0, 12)} ${String(d.subject ?? '')}`;
  if (e.type === 'review') return `${d.state === 'approved' ? 'approved' : 'requested changes'}${d.comment ? `: ${String(d.comment)}` : ''}`;
  if (e.type === 'title_change') return `renamed it to "${String(d.to)}"`;
  return JSON.stringify(d);
}

const sizeChange = (f: FileDiff) => (f.old && f.new ? `${formatBytes(f.old.size)} -> ${formatBytes(f.new.size)}` : formatBytes((f.new ?? f.old)?.size ?? 0));

function printProposal(ctx: CommandContext, p: Proposal & { events: ProposalEvent[] }, diff: { files: FileDiff[] } | null, full: boolean): void {
  ctx.out.line(
    `#${p.number} ${p.title} [${p.kind === 'pull_request' ? 'pull request' : 'discussion'}, ${p.status}] by ${p.author ?? '?'} into ${p.targetBranch}`,
  );
  for (const e of p.events) ctx.out.line(`  ${dateCell(e.createdAt)} ${e.author ?? '?'}: ${eventText(e)}`);
  if (!diff) return;
  ctx.out.line(`Files (${diff.files.length}):`);
  for (const f of diff.files) {
    const path = f.oldPath ? `${f.oldPath} -> ${f.path}` : f.path;
    ctx.out.line(`  ${f.status.padEnd(8)} ${path} (${sizeChange(f)})${f.security ? ` scan: ${f.security.status}` : ''}`);
    if (full && f.unifiedDiff) ctx.out.line(f.unifiedDiff.replace(/\n$/, ''));
  }
}

/** `proposals list|show|comment|review|merge|close|reopen` over the native proposals API. */
export function registerProposalCommands(program: Command): void {
  const proposals = program
    .command('proposals')
    .description("A model's discussions and pull requests: list, read with the per-file diff, comment, review, merge (open one with upload --create-pr)")
    .addHelpText(
      'after',
      examples(
        'modelhub proposals list acme-ai/sentiment --status open --type pull_request',
        'modelhub proposals show acme-ai/sentiment 3 --diff',
        'modelhub proposals review acme-ai/sentiment 3 --approve --comment "Looks good"',
        'modelhub proposals merge acme-ai/sentiment 3 --version v1.2.0 --notes "Better on short texts"',
      ),
    );

  proposals
    .command('list <repo>')
    .alias('ls')
    .description('Discussions and pull requests, newest first (50 a page)')
    .option('--status <status>', 'all, open, closed, draft or merged (default: all)')
    .option('--type <type>', 'all, discussion or pull_request (default: all)')
    .option('--author <user>', 'only those this user opened')
    .option('--page <n>', 'page, from 0', intOption('--page', 0))
    .addHelpText(
      'after',
      examples('modelhub proposals list acme-ai/sentiment --status open', 'modelhub proposals list acme-ai/sentiment --json | jq ".items[].number"'),
    )
    .action(
      run(async (ctx, id: string, opts: { status?: string; type?: string; author?: string; page?: number }) => {
        const query = Object.fromEntries(
          Object.entries({ status: opts.status, type: opts.type, author: opts.author, page: opts.page }).filter(([, v]) => v !== undefined),
        );
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        const page = await ctx.client.get<{ items: Proposal[]; count: number }>(`${proposalPath(id)}${qs ? `?${qs}` : ''}`);
        ctx.out.data(page, () =>
          ctx.out.table(page.items, [
            { key: 'number', title: '#' },
            { key: 'kind', title: 'TYPE', format: (v) => (v === 'pull_request' ? 'pr' : 'discussion') },
            { key: 'status', title: 'STATUS' },
            { key: 'title', title: 'TITLE' },
            { key: 'author', title: 'AUTHOR' },
            { key: 'createdAt', title: 'CREATED', format: dateCell },
          ]),
        );
      }),
    );

  proposals
    .command('show <repo> <N>')
    .description('A proposal: its conversation, and for a pull request the files it changes (--diff: with the text diffs)')
    .option('--diff', 'print the unified diff of each text file too')
    .addHelpText(
      'after',
      examples('modelhub proposals show acme-ai/sentiment 3', 'modelhub proposals show acme-ai/sentiment 3 --diff --json | jq ".diff.files[].path"'),
    )
    .action(
      run(async (ctx, id: string, n: string, opts: { diff?: boolean }) => {
        const num = numberArg(n);
        const proposal = await ctx.client.get<Proposal & { events: ProposalEvent[] }>(proposalPath(id, num));
        const diff = proposal.kind === 'pull_request' ? await ctx.client.get<{ files: FileDiff[] }>(`${proposalPath(id, num)}/diff`) : null;
        ctx.out.data({ ...proposal, diff }, () => printProposal(ctx, proposal, diff, opts.diff === true));
      }),
    );

  proposals
    .command('comment <repo> <N> <text>')
    .description('Comment on a proposal')
    .addHelpText('after', examples('modelhub proposals comment acme-ai/sentiment 3 "Could you add the eval results?"'))
    .action(
      run(async (ctx, id: string, n: string, text: string) => {
        const event = await ctx.client.post<ProposalEvent>(`${proposalPath(id, numberArg(n))}/comments`, { comment: text });
        ctx.out.data(event, () => ctx.out.line(`Commented on ${id}#${n}`));
      }),
    );

  proposals
    .command('review <repo> <N>')
    .description('Review a pull request (members with write access)')
    .option('--approve', 'approve it')
    .option('--request-changes', 'ask for changes')
    .option('--comment <text>', 'with a comment')
    .addHelpText(
      'after',
      examples(
        'modelhub proposals review acme-ai/sentiment 3 --approve',
        'modelhub proposals review acme-ai/sentiment 3 --request-changes --comment "Keep the old tokenizer"',
      ),
    )
    .action(
      run(async (ctx, id: string, n: string, opts: { approve?: boolean; requestChanges?: boolean; comment?: string }) => {
        if (opts.approve === opts.requestChanges) throw new CliError('Give one of --approve or --request-changes', EXIT.usage, 'usage');
        const state = opts.approve ? 'approved' : 'changes_requested';
        const event = await ctx.client.post<ProposalEvent>(`${proposalPath(id, numberArg(n))}/reviews`, { state, comment: opts.comment });
        ctx.out.data(event, () => ctx.out.line(`${opts.approve ? 'Approved' : 'Requested changes on'} ${id}#${n}`));
      }),
    );

  proposals
    .command('merge <repo> <N>')
    .description('Merge a pull request into its target branch, optionally publishing a version of the merge commit in the same step')
    .option('--version <version>', 'publish this version (e.g. v1.2.0) at the merge commit')
    .option('--notes <text>', 'release notes of --version')
    .option('--comment <text>', 'a closing comment')
    .addHelpText(
      'after',
      examples('modelhub proposals merge acme-ai/sentiment 3', 'modelhub proposals merge acme-ai/sentiment 3 --version v1.2.0 --notes "Retrained"'),
    )
    .action(
      run(async (ctx, id: string, n: string, opts: { version?: string; notes?: string; comment?: string }) => {
        const merged = await ctx.client.post<Proposal & { version: { name?: string } | null }>(`${proposalPath(id, numberArg(n))}/merge`, {
          version: opts.version,
          notes: opts.notes,
          comment: opts.comment,
        });
        ctx.out.data(merged, () => {
          ctx.out.line(`Merged ${id}#${n} into ${merged.targetBranch}: ${String(merged.mergeCommitId ?? '').slice(0, 12)}`);
          if (merged.version) ctx.out.line(`Published ${id}@${merged.version.name ?? opts.version}`);
        });
      }),
    );

  for (const [verb, done] of [
    ['close', 'Closed'],
    ['reopen', 'Reopened'],
  ] as const)
    proposals
      .command(`${verb} <repo> <N>`)
      .description(verb === 'close' ? 'Close a proposal (its author or members); its ref stays readable' : 'Reopen a closed proposal (a merged one cannot be)')
      .option('--comment <text>', 'with a comment')
      .addHelpText('after', examples(`modelhub proposals ${verb} acme-ai/sentiment 3`))
      .action(
        run(async (ctx, id: string, n: string, opts: { comment?: string }) => {
          const proposal = await ctx.client.post<Proposal>(`${proposalPath(id, numberArg(n))}/${verb}`, { comment: opts.comment });
          ctx.out.data(proposal, () => ctx.out.line(`${done} ${id}#${n} (${proposal.status})`));
        }),
      );
}
