import { api, ApiError, apiText, enc, encPath } from '../api';
import { ErrorBox } from '../components/error-box';
import { formatParams } from '../components/model-row';
import { formatDate, formatNumber, useI18n } from '../i18n';
import { renderCard } from '../markdown';
import { AccessPanel, adminOrgs } from '../licensing/access-panel';
import { DeploymentsPanel } from '../model/deployments-panel';
import { type DownloadStats, DownloadsChart, LikeButton, type RefList, RevisionPicker, TensorSummary, UseSnippets } from '../model/model-extras';
import { useSession } from '../session';
import type { AccessStatus, Commit, ModelInfo, Offer, TreePage, User, Version } from '../types';
import { useLoad } from '../use-api';
// What the page shows beyond a model's files and card: datasets' previews, lineage, the trending rank.
import { DataPreviewTable, previewedFile } from '../datasets/data-preview';
import { LicenseConflictWarning, LineagePanel, loadLineage } from '../lineage/lineage-panel';
import { trendingRank } from '../model/trending-rank';
import { type RepoKind, repoApi, repoPath } from '../repo-kind';

export interface RepoLocation {
  kind: RepoKind;
  ns: string;
  name: string;
  rev: string;
  path: string;
  view: 'card' | 'tree' | 'blob';
}

interface ModelData {
  info: ModelInfo;
  tree: TreePage;
  readme: string | null | typeof GATED;
  versions: Version[];
  commits: Commit[];
  offers: Offer[];
  access: AccessStatus;
  refs: RefList;
  stats: DownloadStats;
  /** Its place in the trending order (1 is first), null below the top TRENDING_TOP. */
  rank: number | null;
  /** null when the hub could not say (the page shows the rest). */
  lineage: Awaited<ReturnType<typeof loadLineage>> | null;
  /** The blob page's file, its first VIEW_BYTES (null on other pages or when it is not text). */
  file: string | null;
}

const GATED = Symbol('gated');

/** Enough of a file to read on a page; larger files are cut (the download link has them whole). */
const VIEW_BYTES = 256 * 1024;
const TEXT_FILE = /\.(md|txt|json|ya?ml|py|js|ts|toml|cfg|ini|csv|jsonl|sh|xml|html?|gitattributes|gitignore)$|(^|\/)(LICENSE|README|NOTICE)[^/]*$/i;

/**
 * Everything the page shows in one round trip: the five requests leave together (no waterfall);
 * the README comes from the revision shown, through the same resolve route as any client.
 */
function loadModel(loc: RepoLocation, signal: AbortSignal): Promise<ModelData> {
  const base = repoApi(loc);
  const files = repoPath(loc);
  const rev = enc(loc.rev);
  // A blob's page lists the folder it is in (a viewer for the file itself is still to come).
  const folder = loc.view === 'tree' ? loc.path : loc.view === 'blob' ? loc.path.slice(0, Math.max(0, loc.path.lastIndexOf('/'))) : '';
  return Promise.all([
    api<ModelInfo>(base, { signal }),
    api<TreePage>(`${base}/files?revision=${rev}${folder ? `&path=${enc(folder)}` : ''}&limit=200`, { signal }),
    // A gated model's card is public; a private one's needs membership (401/403 shows a notice instead).
    apiText(`${files}/resolve/${rev}/README.md`, signal).catch((err: unknown) =>
      err instanceof ApiError && (err.status === 401 || err.status === 403) ? GATED : Promise.reject(err),
    ),
    api<Version[]>(`${base}/versions`, { signal }),
    api<{ commits: Commit[] }>(`${base}/commits?revision=${rev}&limit=10`, { signal }),
    loc.view === 'blob' && TEXT_FILE.test(loc.path) ? apiText(`${files}/resolve/${rev}/${encPath(loc.path)}`, signal, VIEW_BYTES).catch(() => null) : null,
    api<Offer[]>(`${base}/offers`, { signal }),
    api<AccessStatus>(`${base}/access`, { signal }),
    api<RefList>(`${base}/refs`, { signal }),
    api<DownloadStats>(`${base}/downloads?days=30`, { signal }),
    loadLineage(loc, signal).catch(() => null),
    trendingRank(loc.kind, `${loc.ns}/${loc.name}`, signal),
  ]).then(([info, tree, readme, versions, history, file, offers, access, refs, stats, lineage, rank]) => ({
    info,
    tree,
    readme,
    versions,
    commits: history.commits,
    file,
    offers,
    access,
    refs,
    stats,
    lineage,
    rank,
  }));
}

/** A small file as text: Markdown rendered (sanitized as cards are), JSON indented, the rest as it is. */
function FileView({ path, text }: { path: string; text: string | null }) {
  const { t } = useI18n();
  if (text === null) return <p class="muted">{t('model.noPreview')}</p>;
  if (/\.md$/i.test(path)) return <article class="card" data-testid="file-view" dangerouslySetInnerHTML={{ __html: renderCard(text) }} />;
  let shown = text;
  if (/\.json$/i.test(path) && text.length < VIEW_BYTES) {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not valid JSON: shown as it is
    }
  }
  return (
    <pre class="file" data-testid="file-view" tabIndex={0}>
      {shown}
    </pre>
  );
}

const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${(n / 1024 ** 3).toFixed(2)} GB`;

/** The user of a personal namespace, or an organization's admin or owner, administers its models. */
export const mayAdminister = (user: User | null | undefined, ns: string) => !!user && (user.username === ns || adminOrgs(user).includes(ns));

export function ModelPage({ loc, notFound }: { loc: RepoLocation; notFound: () => preact.JSX.Element }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const key = `${loc.kind}:${loc.ns}/${loc.name}@${loc.rev}:${loc.view}:${loc.path}`;
  const state = useLoad(key, (signal) => loadModel(loc, signal));
  if (state.loading) return <main class="muted">{t('loading')}</main>;
  if (state.error != null) {
    if ((state.error as { status?: number }).status === 404) return notFound();
    return (
      <main>
        <h1>{t('error.title')}</h1>
        <ErrorBox error={state.error} />
      </main>
    );
  }
  const { info, tree, readme, versions, commits, file, offers, access, refs, stats, lineage, rank } = state.data!;
  const repo = repoPath(loc);
  const dataset = loc.kind === 'dataset';
  const preview = dataset ? previewedFile(tree.entries, loc.view === 'blob' ? loc.path : '') : null;
  const chips = [
    info.pipelineTag,
    info.libraryName,
    info.license && t('model.licenseChip', { license: info.license }),
    ...(info.taskCategories ?? []),
    ...(info.sizeCategories ?? []),
    ...(info.languages ?? []),
    ...(info.tags ?? []).slice(0, 8),
  ].filter(Boolean) as string[];
  const parent = loc.path.includes('/') ? loc.path.slice(0, loc.path.lastIndexOf('/')) : '';
  return (
    <main class="model">
      <header class="model-head">
        <h1>
          <a href={`/${loc.ns}`}>{info.namespace}</a> / {info.name}
        </h1>
        <div class="meta">
          <span>{t('model.downloads', { n: formatNumber(lang, info.downloads) })}</span>
          <LikeButton kind={loc.kind} ns={loc.ns} name={loc.name} likes={info.likes} />
          {info.parameters != null && <span>{t('model.params', { n: formatParams(info.parameters) })}</span>}
          <span>{t('model.updated', { d: formatDate(lang, info.lastModified) })}</span>
        </div>
        <ul class="chips" aria-label={t('model.metadata')}>
          {chips.map((c) => (
            <li key={c} class="chip">
              {c}
            </li>
          ))}
        </ul>
        <LicenseConflictWarning conflicts={info.licenseConflicts ?? []} />
        {mayAdminister(user, loc.ns) && (
          <nav class="admin-links" aria-label={t(dataset ? 'dataset.manage' : 'model.manage')}>
            <a href={`${repo}/upload/main`}>{t('model.upload')}</a>
            <a href={`${repo}/edit/main/README.md`}>{t('model.editCard')}</a>
            <a href={`${repo}/licensing`}>{t('licensing.title')}</a>
            <a href={`${repo}/settings`}>{t('model.settings')}</a>
          </nav>
        )}
      </header>
      <div class="with-side">
        <div class="results">
          <section aria-labelledby="files-h">
            <div class="toolbar">
              <h2 id="files-h">{t('model.files')}</h2>
              <RevisionPicker repo={repo} rev={loc.rev} refs={refs} />
            </div>
            <table class="files">
              <tbody>
                {loc.view === 'tree' && loc.path && (
                  <tr>
                    <td colSpan={3}>
                      <a href={parent ? `${repo}/tree/${enc(loc.rev)}/${encPath(parent)}` : `${repo}/tree/${enc(loc.rev)}`}>↑ {t('model.folderUp')}</a>
                    </td>
                  </tr>
                )}
                {tree.entries.map((e) => {
                  const label = e.path.slice(e.path.lastIndexOf('/') + 1);
                  return (
                    <tr key={e.path}>
                      <td>
                        {e.type === 'directory' ? (
                          <a href={`${repo}/tree/${enc(loc.rev)}/${encPath(e.path)}`}>📁 {label}</a>
                        ) : (
                          <a href={`${repo}/blob/${enc(loc.rev)}/${encPath(e.path)}`}>{label}</a>
                        )}
                        {e.lfs && <span class="badge">LFS</span>}
                        {e.security && (
                          <span class={`badge${e.security.status === 'safe' || e.security.status === 'pending' ? '' : ' warn'}`} data-testid="scan-status">
                            {t(`scan.${e.security.status}`)}
                          </span>
                        )}
                      </td>
                      <td class="num">{e.type === 'file' ? formatBytes(e.size) : ''}</td>
                      <td>
                        {e.type === 'file' && (
                          <a
                            href={`${repo}/resolve/${enc(loc.rev)}/${encPath(e.path)}?download=true`}
                            download={label}
                            aria-label={`${t('model.download')} ${label}`}
                          >
                            {t('model.download')}
                          </a>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
          {loc.view === 'blob' && !(preview && preview === loc.path) && (
            <section aria-labelledby="file-h">
              <h2 id="file-h">{loc.path}</h2>
              <FileView path={loc.path} text={file} />
            </section>
          )}
          {preview && <DataPreviewTable ns={loc.ns} name={loc.name} rev={loc.rev} path={preview} />}
          <section aria-labelledby="card-h">
            <h2 id="card-h">{t(dataset ? 'dataset.card' : 'model.card')}</h2>
            {readme === GATED ? (
              <p class="muted">{t('model.cardGated')}</p>
            ) : readme ? (
              <article class="card" data-testid="card" dangerouslySetInnerHTML={{ __html: renderCard(readme) }} />
            ) : (
              <p class="muted">{t(dataset ? 'dataset.noCard' : 'model.noCard')}</p>
            )}
          </section>
          {!dataset && <DeploymentsPanel ns={loc.ns} name={loc.name} />}
        </div>
        <aside>
          {(info.gated !== false || offers.length > 0) && <AccessPanel repoKind={loc.kind} ns={loc.ns} name={loc.name} offers={offers} initial={access} />}
          <section aria-labelledby="versions-h">
            <h2 id="versions-h">{t('model.versions')}</h2>
            {versions.length === 0 && <p class="muted">{t('model.noVersions')}</p>}
            <ul>
              {versions.map((v) => (
                <li key={v.name}>
                  <a href={`${repo}/tree/${enc(v.name)}`}>{v.name}</a>
                  {v.status === 'deprecated' && <span class="badge warn">{t('model.deprecated')}</span>}
                  {v.notes && <div class="muted small">{v.notes.slice(0, 200)}</div>}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="commits-h">
            <h2 id="commits-h">{t('model.commits')}</h2>
            <ul>
              {commits.map((c) => (
                <li key={c.id}>
                  <a href={`${repo}/commit/${c.id}`}>
                    <code>{c.id.slice(0, 7)}</code>
                  </a>{' '}
                  {c.title}
                  <div class="muted small">
                    {c.authors[0]?.user ?? ''} · {formatDate(lang, c.date)}
                  </div>
                </li>
              ))}
            </ul>
            <a href={`${repo}/commits/${enc(loc.rev)}`}>{t('model.history')}</a> · <a href={`${repo}/discussions`}>{t('proposals.title')}</a>
          </section>
          {lineage && <LineagePanel up={lineage.up} down={lineage.down} />}
          <DownloadsChart stats={stats} rank={rank} />
          {info.safetensors && <TensorSummary safetensors={info.safetensors} />}
          <UseSnippets kind={loc.kind} info={info} rev={loc.rev} />
        </aside>
      </div>
    </main>
  );
}
