import { render } from 'preact';
import { lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from './api';
import { Header } from './components/header';
import { I18n, initialLang, type Lang, translator } from './i18n';
import { AuthPage } from './pages/auth-page';
import { HomePage } from './pages/home-page';
import { ModelPage, type RepoLocation } from './pages/model-page';
import { ModelsPage } from './pages/models-page';
import { NotFoundPage } from './pages/not-found-page';
import { OrgPage } from './pages/org-page';
import type { RepoKind } from './repo-kind';
import { Notifications, Session } from './session';
import type { SettingsSection } from './settings/settings-page';
import type { User } from './types';
import './styles.css';

const NAME = '[^/]+';
const REPO = new RegExp(`^/(${NAME})/(${NAME})(?:/(tree|blob)/(${NAME})(?:/(.*))?)?/?$`);

/** Hugging Face's repository URLs: `/{ns}/{name}`, `/{ns}/{name}/tree/{rev}/{path}`, `/blob/...`. */
function parseRepo(path: string, kind: RepoKind): RepoLocation | null {
  const m = REPO.exec(path);
  if (!m) return null;
  const d = decodeURIComponent;
  return { kind, ns: d(m[1]), name: d(m[2]), view: (m[3] as 'tree' | 'blob' | undefined) ?? 'card', rev: m[4] ? d(m[4]) : 'main', path: m[5] ? d(m[5]) : '' };
}

// Pages for signed-in work load on demand, so the landing page's download stays small.
const LicensingAdminPage = lazy(() => import('./licensing/licensing-admin-page').then((m) => m.LicensingAdminPage));
const ModelSettingsPage = lazy(() => import('./publish/model-settings-page').then((m) => m.ModelSettingsPage));
const UploadPage = lazy(() => import('./publish/upload-page').then((m) => m.UploadPage));
const CardEditorPage = lazy(() => import('./publish/card-editor-page').then((m) => m.CardEditorPage));
const SettingsPage = lazy(() => import('./settings/settings-page').then((m) => m.SettingsPage));
const CommitsPage = lazy(() => import('./model/history-page').then((m) => m.CommitsPage));
const CommitPage = lazy(() => import('./model/history-page').then((m) => m.CommitPage));
const NewOrgPage = lazy(() => import('./orgs/new-org-page').then((m) => m.NewOrgPage));
const NewModelPage = lazy(() => import('./publish/new-model-page').then((m) => m.NewModelPage));
const ProposalsPage = lazy(() => import('./proposals/proposals-page').then((m) => m.ProposalsPage));
const ProposalPage = lazy(() => import('./proposals/proposals-page').then((m) => m.ProposalPage));
/** `/{ns}/{name}/discussions` and `/{ns}/{name}/discussions/{N}` (docs/proposals.md). */
const DISCUSSIONS = new RegExp(`^/(${NAME})/(${NAME})/discussions(?:/([1-9][0-9]*))?/?$`);

function discussionsPage(path: string, kind: RepoKind): preact.JSX.Element | null {
  const m = DISCUSSIONS.exec(path);
  if (!m) return null;
  const [ns, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
  return m[3] ? <ProposalPage kind={kind} ns={ns} name={name} number={Number(m[3])} /> : <ProposalsPage kind={kind} ns={ns} name={name} />;
}

/** A repository's other pages: `/{ns}/{name}/licensing|settings`, `/upload/{rev}`, `/edit/{rev}/README.md`, `/commits/{rev}`, `/commit/{oid}`. */
const MODEL_ADMIN = new RegExp(`^/(${NAME})/(${NAME})/(?:(licensing|settings)|(upload)/(${NAME})|(edit)/(${NAME})/README\\.md|(commits?)/(${NAME}))/?$`);

function modelAdminPage(path: string, kind: RepoKind): preact.JSX.Element | null {
  const m = MODEL_ADMIN.exec(path);
  if (!m) return null;
  const d = decodeURIComponent;
  const [ns, name] = [d(m[1]), d(m[2])];
  if (m[3] === 'licensing') return <LicensingAdminPage kind={kind} ns={ns} name={name} />;
  if (m[3] === 'settings') return <ModelSettingsPage kind={kind} ns={ns} name={name} />;
  if (m[8] === 'commits') return <CommitsPage kind={kind} ns={ns} name={name} rev={d(m[9])} />;
  if (m[8] === 'commit') return <CommitPage kind={kind} ns={ns} name={name} oid={d(m[9])} />;
  if (m[4]) return <UploadPage kind={kind} ns={ns} name={name} rev={d(m[5])} />;
  return <CardEditorPage kind={kind} ns={ns} name={name} rev={d(m[7])} />;
}

/** The server sent this page with status 404 when it knows no page there; the app agrees. */
function Fallback() {
  const { path } = useLocation();
  // A dataset's pages are a model's under `/datasets` (Hugging Face's URLs).
  const dataset = /^\/datasets(\/[^/]+\/[^/]+(?:\/.*)?)$/.exec(path);
  if (dataset) {
    const page = modelAdminPage(dataset[1], 'dataset') ?? discussionsPage(dataset[1], 'dataset');
    const loc = parseRepo(dataset[1], 'dataset');
    return page ?? (loc ? <ModelPage loc={loc} notFound={() => <NotFoundPage />} /> : <NotFoundPage />);
  }
  const admin = modelAdminPage(path, 'model') ?? discussionsPage(path, 'model');
  if (admin) return admin;
  const loc = parseRepo(path, 'model');
  if (loc) return <ModelPage loc={loc} notFound={() => <NotFoundPage />} />;
  const ns = /^\/([^/]+)\/?$/.exec(path);
  return ns ? <OrgPage ns={decodeURIComponent(ns[1])} /> : <NotFoundPage />;
}

const SETTINGS = ['tokens', 'webhooks', 'notifications'];

function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const i18n = useMemo(
    () => ({
      lang,
      t: translator(lang),
      setLang: (l: Lang) => {
        localStorage.setItem('lang', l);
        setLangState(l);
      },
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.t('brand');
  }, [lang]);
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    api<User>('/api/v1/me').then(setUser, () => setUser(null));
  }, []);
  const refreshUnread = () => {
    if (user)
      void api<{ unread: number }>('/api/v1/me/notifications?unread=true&limit=1').then(
        (n) => setUnread(n.unread),
        () => undefined,
      );
  };
  useEffect(refreshUnread, [user?.id]);
  const notifications = useMemo(() => ({ unread, refresh: refreshUnread }), [unread, user?.id]);
  return (
    <I18n.Provider value={i18n}>
      <Session.Provider value={{ user, setUser }}>
        <Notifications.Provider value={notifications}>
          <LocationProvider>
            <Header />
            <Router>
              <Route path="/" component={HomePage} />
              <Route path="/models" component={ModelsPage} />
              <Route path="/datasets" component={() => <ModelsPage kind="dataset" />} />
              <Route path="/login" component={() => <AuthPage mode="signIn" />} />
              <Route path="/join" component={() => <AuthPage mode="signUp" />} />
              <Route path="/new" component={NewModelPage} />
              <Route path="/organizations/new" component={NewOrgPage} />
              <Route path="/settings" component={() => <SettingsPage section="tokens" />} />
              <Route
                path="/settings/:section"
                component={({ section }: { section: string }) =>
                  SETTINGS.includes(section) ? <SettingsPage section={section as SettingsSection} /> : <NotFoundPage />
                }
              />
              <Route default component={Fallback} />
            </Router>
          </LocationProvider>
        </Notifications.Provider>
      </Session.Provider>
    </I18n.Provider>
  );
}

render(<App />, document.getElementById('app')!);
