import { api, enc, encPath } from '../api';
import { ErrorBox } from '../components/error-box';
import { formatDate, useI18n } from '../i18n';
import type { Commit, TreePage } from '../types';
import { type RepoKind, repoApi, repoPath } from '../repo-kind';
import { useLoad } from '../use-api';
import { ModelSubpageTitle } from '../components/model-subpage-title';

interface HistoryCommit extends Commit {
  message: string;
  parents: string[];
}

const TREE_LIMIT = 10_000;

/** Every file of a revision, path → git oid (one request: the hub lists up to 10,000 files at once). */
async function filesAt(base: string, rev: string, signal: AbortSignal): Promise<Map<string, string>> {
  const page = await api<TreePage>(`${base}/files?revision=${enc(rev)}&recursive=true&limit=${TREE_LIMIT}`, { signal });
  return new Map(page.entries.filter((e) => e.type === 'file').map((e) => [e.path, e.oid]));
}

/** `/{ns}/{name}/commits/{rev}`: the history of a revision, newest first. */
export function CommitsPage({ ns, name, rev, kind = 'model' }: { ns: string; name: string; rev: string; kind?: RepoKind }) {
  const { t, lang } = useI18n();
  const base = repoApi({ kind, ns, name });
  const repo = repoPath({ kind, ns, name });
  const state = useLoad(`commits:${base}@${rev}`, (signal) => api<{ commits: HistoryCommit[] }>(`${base}/commits?revision=${enc(rev)}&limit=100`, { signal }));
  return (
    <main>
      <ModelSubpageTitle kind={kind} ns={ns} name={name} title={t('model.historyOf', { rev })} />
      {state.loading && <p class="muted">{t('loading')}</p>}
      {state.error != null && <ErrorBox error={state.error} />}
      <ul class="plain">
        {state.data?.commits.map((c) => (
          <li key={c.id} class="request" data-testid="history-commit">
            <a href={`${repo}/commit/${c.id}`}>{c.title}</a>
            <div class="muted small">
              <code>{c.id.slice(0, 7)}</code> · {c.authors[0]?.user ?? ''} · {formatDate(lang, c.date)}
            </div>
          </li>
        ))}
      </ul>
    </main>
  );
}

/** `/{ns}/{name}/commit/{oid}`: a commit and the files it added, changed and removed (its tree against its parent's). */
export function CommitPage({ ns, name, oid, kind = 'model' }: { ns: string; name: string; oid: string; kind?: RepoKind }) {
  const { t, lang } = useI18n();
  const base = repoApi({ kind, ns, name });
  const repo = repoPath({ kind, ns, name });
  const state = useLoad(`commit:${base}@${oid}`, async (signal) => {
    const [history, files] = await Promise.all([
      api<{ commits: HistoryCommit[] }>(`${base}/commits?revision=${enc(oid)}&limit=1`, { signal }),
      filesAt(base, oid, signal),
    ]);
    const commit = history.commits[0];
    const parent = commit.parents[0] ? await filesAt(base, commit.parents[0], signal) : new Map<string, string>();
    const changes: { path: string; kind: 'added' | 'modified' | 'removed' }[] = [];
    for (const [path, id] of files) if (parent.get(path) !== id) changes.push({ path, kind: parent.has(path) ? 'modified' : 'added' });
    for (const path of parent.keys()) if (!files.has(path)) changes.push({ path, kind: 'removed' });
    changes.sort((a, b) => a.path.localeCompare(b.path));
    return { commit, changes };
  });
  return (
    <main>
      <ModelSubpageTitle kind={kind} ns={ns} name={name} title={t('model.commit', { id: oid.slice(0, 7) })} />
      {state.loading && <p class="muted">{t('loading')}</p>}
      {state.error != null && <ErrorBox error={state.error} />}
      {state.data && (
        <>
          <h2>{state.data.commit.title}</h2>
          {state.data.commit.message && state.data.commit.message !== state.data.commit.title && <pre class="file">{state.data.commit.message}</pre>}
          <p class="muted">
            <code>{state.data.commit.id}</code> · {state.data.commit.authors[0]?.user ?? ''} · {formatDate(lang, state.data.commit.date)}
            {state.data.commit.parents[0] && (
              <>
                {' · '}
                {t('model.parent')} <a href={`${repo}/commit/${state.data.commit.parents[0]}`}>{state.data.commit.parents[0].slice(0, 7)}</a>
              </>
            )}
          </p>
          <table class="files" data-testid="changes">
            <tbody>
              {state.data.changes.map((c) => (
                <tr key={c.path}>
                  <td>
                    <span class={`badge change-${c.kind}`}>{t(`change.${c.kind}`)}</span>
                  </td>
                  <td>{c.kind === 'removed' ? c.path : <a href={`${repo}/blob/${oid}/${encPath(c.path)}`}>{c.path}</a>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={`${repo}/tree/${oid}`}>{t('model.browseAt')}</a>
          </p>
        </>
      )}
    </main>
  );
}
