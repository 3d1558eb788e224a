import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { formatNumber, useI18n } from '../i18n';
import { useSession } from '../session';
import { type RepoKind, repoApi, repoPath } from '../repo-kind';
import type { ModelInfo } from '../types';
import { TRENDING_TOP } from './trending-rank';

export interface RefList {
  branches: { name: string; targetCommit: string }[];
  tags: { name: string; targetCommit: string }[];
}
export interface DownloadStats {
  downloads: number;
  trendingScore: number;
  days: { day: string; downloads: number }[];
}

/** Like / unlike; the count is the hub's answer, not a guess. */
export function LikeButton({ ns, name, likes, kind = 'model' }: { ns: string; name: string; likes: number; kind?: RepoKind }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [state, setState] = useState({ likes, liked: false });
  const [error, setError] = useState<unknown>(null);
  const path = `${repoApi({ kind, ns, name })}/like`;
  // Whether the user likes it is theirs to know, read after the page's own data (not in its way).
  useEffect(() => {
    if (!user) return;
    void api<{ items: { model: { id: string; kind?: RepoKind } }[] }>(`/api/v1/users/${enc(user.username)}/likes?limit=100`).then(
      (r) => r.items.some((i) => i.model.id === `${ns}/${name}` && (i.model.kind ?? 'model') === kind) && setState((s) => ({ ...s, liked: true })),
      () => undefined,
    );
  }, [user?.username, ns, name]);
  const toggle = async () => {
    setError(null);
    try {
      if (state.liked) {
        await api(path, { method: 'DELETE' });
        setState((s) => ({ liked: false, likes: Math.max(0, s.likes - 1) }));
      } else setState(await api<{ liked: boolean; likes: number }>(path, { method: 'POST' }));
    } catch (err) {
      setError(err);
    }
  };
  const label = t('model.likes', { n: formatNumber(lang, state.likes) });
  if (!user) return <span>{label}</span>;
  return (
    <span>
      <button type="button" class="secondary like" aria-pressed={state.liked} onClick={() => void toggle()} data-testid="like">
        {state.liked ? '♥' : '♡'} {label}
      </button>
      {error != null && <ErrorBox error={error} />}
    </span>
  );
}

/** Branches and versions: picking one opens its tree. */
export function RevisionPicker({ repo, rev, refs }: { repo: string; rev: string; refs: RefList }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const known = [...refs.branches, ...refs.tags].some((r) => r.name === rev);
  return (
    <label class="rev">
      <span class="sr-only">{t('model.revision')}</span>
      <select value={rev} onChange={(e) => route(`${repo}/tree/${enc((e.target as HTMLSelectElement).value)}`)} data-testid="revision">
        {!known && <option value={rev}>{rev.slice(0, 12)}</option>}
        <optgroup label={t('model.branches')}>
          {refs.branches.map((b) => (
            <option key={b.name} value={b.name}>
              {b.name}
            </option>
          ))}
        </optgroup>
        {refs.tags.length > 0 && (
          <optgroup label={t('model.versions')}>
            {refs.tags.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </label>
  );
}

/** Counted downloads per UTC day, as columns, and the trending rank among the top TRENDING_TOP (null: below them). */
export function DownloadsChart({ stats, rank }: { stats: DownloadStats; rank: number | null }) {
  const { t, lang } = useI18n();
  const max = Math.max(1, ...stats.days.map((d) => d.downloads));
  const w = 8;
  const h = 60;
  return (
    <section aria-labelledby="dl-h">
      <h2 id="dl-h">{t('model.downloadsChart')}</h2>
      {stats.days.every((d) => d.downloads === 0) ? (
        <p class="muted small">{t('model.noDownloads', { n: stats.days.length })}</p>
      ) : (
        <svg
          role="img"
          aria-label={t('model.downloadsChartLabel', { n: stats.days.length })}
          viewBox={`0 0 ${stats.days.length * w} ${h}`}
          width="100%"
          height={h}
        >
          {stats.days.map((d, i) => {
            const bar = Math.max(d.downloads ? 2 : 0, (h * d.downloads) / max);
            return (
              <rect key={d.day} x={i * w + 1} y={h - bar} width={w - 2} height={bar} fill="#0550ae">
                <title>
                  {d.day}: {d.downloads}
                </title>
              </rect>
            );
          })}
        </svg>
      )}
      <p class="muted small" data-testid="trending">
        {t('model.trendingScore', { n: formatNumber(lang, stats.trendingScore), total: formatNumber(lang, stats.downloads) })}
      </p>
      <p class="muted small" data-testid="trending-rank">
        {rank ? t('model.trendingRank', { n: rank }) : t('model.trendingUnranked', { n: TRENDING_TOP })}
      </p>
    </section>
  );
}

/** "Use this model" (or dataset): the hub's own address filled in, for the clients people already have. */
export function UseSnippets({ info, rev, kind = 'model' }: { info: ModelInfo; rev: string; kind?: RepoKind }) {
  const { t } = useI18n();
  const [tab, setTab] = useState(0);
  const origin = location.origin;
  const id = info.id;
  const ref = { kind, ns: info.namespace, name: info.name };
  const file = kind === 'dataset' ? 'README.md' : 'config.json';
  const repoType = kind === 'dataset' ? ', repo_type="dataset"' : '';
  const repo = kind === 'dataset' ? `{ type: "dataset", name: "${id}" }` : `"${id}"`;
  const snippets: [string, string][] = [
    [
      'huggingface_hub',
      `# pip install huggingface_hub\nimport os\nos.environ["HF_ENDPOINT"] = "${origin}"\nfrom huggingface_hub import snapshot_download\npath = snapshot_download("${id}"${repoType}, revision="${rev}")`,
    ],
    [
      '@huggingface/hub',
      `import { downloadFile } from "@huggingface/hub";\nconst blob = await downloadFile({\n  repo: ${repo}, path: "${file}", revision: "${rev}",\n  hubUrl: "${origin}", accessToken: process.env.HF_TOKEN,\n});`,
    ],
    ['curl', `curl -L -H "Authorization: Bearer $HF_TOKEN" \\\n  ${origin}${repoPath(ref)}/resolve/${enc(rev)}/${file}`],
    [t('model.snippetHubApi'), `curl -H "Authorization: Bearer $HF_TOKEN" \\\n  "${origin}${repoApi(ref)}/files?revision=${enc(rev)}"`],
  ];
  return (
    <section aria-labelledby="use-h">
      <h2 id="use-h">{t(kind === 'dataset' ? 'dataset.use' : 'model.use')}</h2>
      <div role="tablist" aria-label={t('model.use')} class="tabs">
        {snippets.map(([label], i) => (
          <button key={label} type="button" role="tab" aria-selected={tab === i} class={tab === i ? '' : 'secondary'} onClick={() => setTab(i)}>
            {label}
          </button>
        ))}
      </div>
      <pre class="file" role="tabpanel" tabIndex={0} data-testid="snippet">
        {snippets[tab][1]}
      </pre>
    </section>
  );
}

/** The safetensors scan at `main`: parameters per dtype. */
export function TensorSummary({ safetensors }: { safetensors: NonNullable<ModelInfo['safetensors']> }) {
  const { t, lang } = useI18n();
  // Exact counts: a tensor summary is read for its digits.
  const exact = (n: number) => new Intl.NumberFormat(lang).format(n);
  return (
    <section aria-labelledby="tensors-h">
      <h2 id="tensors-h">{t('model.tensors')}</h2>
      <table class="files" data-testid="tensors">
        <tbody>
          {Object.entries(safetensors.parameters).map(([dtype, n]) => (
            <tr key={dtype}>
              <th scope="row">{dtype}</th>
              <td class="num">{exact(n)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t('model.total')}</th>
            <td class="num">{exact(safetensors.total)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
