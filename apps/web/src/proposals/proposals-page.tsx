import { useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { formatDate, type MessageKey, useI18n } from '../i18n';
import { useLoad } from '../use-api';
import { useSubmit } from '../use-submit';
import { ModelSubpageTitle } from '../components/model-subpage-title';
import { type RepoKind, repoApi, repoPath } from '../repo-kind';

interface Proposal {
  number: number;
  title: string;
  kind: 'pull_request' | 'discussion';
  status: 'draft' | 'open' | 'closed' | 'merged';
  author: string | null;
  targetBranch: string | null;
  createdAt: string;
}

interface ProposalDetails extends Proposal {
  head?: string;
  filesWithConflicts?: string[];
  approvals?: string[];
  requiredApprovals?: number;
  events: { id: string; type: string; author: string | null; createdAt: string; data: Record<string, unknown> }[];
}

interface FileDiff {
  path: string;
  status: string;
  old: { size: number } | null;
  new: { size: number } | null;
  unifiedDiff?: string;
}

const apiBase = (kind: RepoKind, ns: string, name: string) => `${repoApi({ kind, ns, name })}/proposals`;

/** `/{ns}/{name}/discussions`: pull requests and discussions, newest first. */
export function ProposalsPage({ ns, name, kind = 'model' }: { ns: string; name: string; kind?: RepoKind }) {
  const { t, lang } = useI18n();
  const state = useLoad(`proposals:${kind}:${ns}/${name}`, (signal) => api<{ items: Proposal[] }>(apiBase(kind, ns, name), { signal }));
  return (
    <main>
      <ModelSubpageTitle kind={kind} ns={ns} name={name} title={t('proposals.title')} />
      {state.loading && <p class="muted">{t('loading')}</p>}
      {state.error != null && <ErrorBox error={state.error} />}
      {state.data && !state.data.items.length && <p class="muted">{t('proposals.none')}</p>}
      <ul class="plain">
        {state.data?.items.map((p) => (
          <li key={p.number} class="request" data-testid="proposal">
            <a href={`${repoPath({ kind, ns, name })}/discussions/${p.number}`}>
              #{p.number} {p.title}
            </a>
            <div class="muted small">
              {p.kind === 'pull_request' ? t('proposals.pullRequest') : t('proposals.discussion')} · {t(`proposals.status.${p.status}` as MessageKey)} ·{' '}
              {p.author ?? ''} · {formatDate(lang, p.createdAt)}
            </div>
          </li>
        ))}
      </ul>
    </main>
  );
}

/** `/{ns}/{name}/discussions/{N}`: the conversation, the files a pull request changes, and the review and merge buttons. */
export function ProposalPage({ ns, name, number, kind = 'model' }: { ns: string; name: string; number: number; kind?: RepoKind }) {
  const { t, lang } = useI18n();
  const [reload, setReload] = useState(0);
  const base = `${apiBase(kind, ns, name)}/${number}`;
  const state = useLoad(`proposal:${base}:${reload}`, async (signal) => {
    const details = await api<ProposalDetails>(base, { signal });
    const diff = details.kind === 'pull_request' ? await api<{ files: FileDiff[] }>(`${base}/diff`, { signal }) : { files: [] };
    return { details, diff };
  });
  const refresh = () => setReload((n) => n + 1);
  const comment = useSubmit(async (form, el) => {
    await api(`${base}/comments`, { method: 'POST', body: { comment: String(form.get('comment') ?? '') } });
    el.reset();
    refresh();
  });
  // Which button submitted the form: FormData leaves the submitter out.
  const action = useRef<'approved' | 'changes_requested' | 'merge'>('approved');
  const act = useSubmit(async (form) => {
    if (action.current === 'merge') {
      const version = String(form.get('version') ?? '').trim();
      await api(`${base}/merge`, { method: 'POST', body: version ? { version } : {} });
    } else {
      await api(`${base}/reviews`, { method: 'POST', body: { state: action.current, comment: String(form.get('review') ?? '') } });
    }
    refresh();
  });
  if (state.loading && !state.data) return <main class="muted">{t('loading')}</main>;
  if (state.error != null)
    return (
      <main>
        <ErrorBox error={state.error} />
      </main>
    );
  const { details: p, diff } = state.data!;
  const open = p.status === 'open' || p.status === 'draft';
  return (
    <main>
      <ModelSubpageTitle kind={kind} ns={ns} name={name} title={`#${p.number} ${p.title}`} />
      <p class="muted" data-testid="proposal-status">
        {t(`proposals.status.${p.status}` as MessageKey)} · {p.author ?? ''} {p.targetBranch ? `→ ${p.targetBranch}` : ''}
        {p.approvals ? ` · ${t('proposals.approvals', { n: String(p.approvals.length), of: String(p.requiredApprovals ?? 0) })}` : ''}
      </p>
      {!!p.filesWithConflicts?.length && (
        <p class="error" data-testid="conflicts">
          {t('proposals.conflicts')}: {p.filesWithConflicts.join(', ')}
        </p>
      )}
      <ul class="plain">
        {p.events.map((e) => (
          <li key={e.id} class="request" data-testid="proposal-event">
            <div class="muted small">
              {e.author ?? ''} · {formatDate(lang, e.createdAt)} · {t(`proposals.event.${e.type}` as MessageKey)}
            </div>
            {e.type === 'comment' && <p>{String((e.data.latest as { raw?: string } | undefined)?.raw ?? '')}</p>}
            {e.type === 'review' && (
              <p>{`${t(`proposals.review.${String(e.data.state)}` as MessageKey)}${e.data.comment ? `: ${String(e.data.comment)}` : ''}`}</p>
            )}
            {e.type === 'commit' && <code>{`${String(e.data.oid).slice(0, 7)} ${String(e.data.subject)}`}</code>}
            {e.type === 'status_change' && <p>{t(`proposals.status.${String(e.data.status)}` as MessageKey)}</p>}
          </li>
        ))}
      </ul>
      {!!diff.files.length && <h2>{t('proposals.files')}</h2>}
      <ul class="plain">
        {diff.files.map((f) => (
          <li key={f.path} data-testid="proposal-file">
            <code>{f.path}</code> <span class="muted small">{`${f.status} · ${f.old?.size ?? 0} → ${f.new?.size ?? 0} B`}</span>
            {f.unifiedDiff && <pre class="diff">{f.unifiedDiff}</pre>}
          </li>
        ))}
      </ul>
      {open && (
        <form onSubmit={comment.onSubmit}>
          <label>
            {t('proposals.comment')}
            <textarea name="comment" required rows={3} />
          </label>
          <ErrorBox error={comment.error} />
          <button type="submit" disabled={comment.busy}>
            {t('proposals.comment')}
          </button>
        </form>
      )}
      {open && p.kind === 'pull_request' && (
        <form onSubmit={act.onSubmit} data-testid="review-form">
          <label>
            {t('proposals.reviewComment')}
            <input name="review" />
          </label>
          <label>
            {t('proposals.version')}
            <input name="version" placeholder="v1.0.0" />
          </label>
          <ErrorBox error={act.error} />
          <button type="submit" onClick={() => (action.current = 'approved')} disabled={act.busy}>
            {t('proposals.approve')}
          </button>{' '}
          <button type="submit" onClick={() => (action.current = 'changes_requested')} disabled={act.busy}>
            {t('proposals.requestChanges')}
          </button>{' '}
          <button type="submit" onClick={() => (action.current = 'merge')} disabled={act.busy}>
            {t('proposals.merge')}
          </button>
        </form>
      )}
    </main>
  );
}
