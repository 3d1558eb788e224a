import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Lang = 'en' | 'zh-CN';

const en = {
  'nav.models': 'Models',
  'nav.signIn': 'Sign in',
  'nav.signUp': 'Sign up',
  'nav.signOut': 'Sign out',
  'nav.language': 'Language',
  'home.title': 'Models of the alliance',
  'home.lead': 'Discover, license and download models published by member organizations.',
  'home.trending': 'Trending models',
  'search.label': 'Search models',
  'search.placeholder': 'Search models, e.g. text classification or 文本分类',
  'search.button': 'Search',
  'search.results': '{n} models',
  'search.none': 'No model matches this search.',
  'search.sort': 'Sort',
  'search.next': 'Next page',
  'search.first': 'First page',
  'search.clear': 'Clear filters',
  'sort.relevance': 'Most relevant',
  'sort.trending': 'Trending',
  'sort.downloads': 'Most downloads',
  'sort.likes': 'Most likes',
  'sort.updated': 'Recently updated',
  'sort.created': 'Recently created',
  'facet.task': 'Task',
  'facet.library': 'Library',
  'facet.license': 'Licence',
  'facet.org': 'Organization',
  'filter.verified': 'Verified organizations only',
  'filter.commercial': 'Commercial use allowed',
  'model.verified': 'verified',
  'model.downloads': '{n} downloads',
  'model.likes': '{n} likes',
  'model.updated': 'updated {d}',
  'model.card': 'Model card',
  'model.noCard': 'This model has no card yet.',
  'model.files': 'Files',
  'model.versions': 'Versions',
  'model.noVersions': 'No version published yet.',
  'model.commits': 'Commits',
  'model.deprecated': 'deprecated',
  'model.download': 'Download',
  'model.folderUp': 'Parent folder',
  'model.revision': 'Revision',
  'model.noPreview': 'No preview for this file: use the download link.',
  'model.params': '{n} parameters',
  'auth.username': 'Username',
  'auth.email': 'Email',
  'auth.login': 'Username or email',
  'auth.password': 'Password',
  'auth.signInTitle': 'Sign in',
  'auth.signUpTitle': 'Create an account',
  'auth.signInButton': 'Sign in',
  'auth.signUpButton': 'Create account',
  'auth.haveAccount': 'Already have an account? Sign in',
  'auth.noAccount': 'No account yet? Sign up',
  'error.requestId': 'Request id: {id}',
  'error.title': 'Something went wrong',
  loading: 'Loading…',
  'notFound.title': 'Page not found',
  'notFound.text': 'Nothing lives at this address, or you may not see it.',
  'notFound.home': 'Back to the models',
};

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  'nav.models': '模型',
  'nav.signIn': '登录',
  'nav.signUp': '注册',
  'nav.signOut': '退出登录',
  'nav.language': '语言',
  'home.title': '联盟模型库',
  'home.lead': '发现、授权并下载成员机构发布的模型。',
  'home.trending': '热门模型',
  'search.label': '搜索模型',
  'search.placeholder': '搜索模型，例如 文本分类 或 text classification',
  'search.button': '搜索',
  'search.results': '共 {n} 个模型',
  'search.none': '没有符合条件的模型。',
  'search.sort': '排序',
  'search.next': '下一页',
  'search.first': '第一页',
  'search.clear': '清除筛选',
  'sort.relevance': '最相关',
  'sort.trending': '热门',
  'sort.downloads': '下载最多',
  'sort.likes': '点赞最多',
  'sort.updated': '最近更新',
  'sort.created': '最近创建',
  'facet.task': '任务',
  'facet.library': '框架',
  'facet.license': '许可证',
  'facet.org': '机构',
  'filter.verified': '仅限已认证机构',
  'filter.commercial': '允许商用',
  'model.verified': '已认证',
  'model.downloads': '{n} 次下载',
  'model.likes': '{n} 个赞',
  'model.updated': '更新于 {d}',
  'model.card': '模型卡片',
  'model.noCard': '该模型还没有卡片。',
  'model.files': '文件',
  'model.versions': '版本',
  'model.noVersions': '尚未发布版本。',
  'model.commits': '提交记录',
  'model.deprecated': '已弃用',
  'model.download': '下载',
  'model.folderUp': '上级目录',
  'model.revision': '版本号',
  'model.noPreview': '此文件无法预览，请使用下载链接。',
  'model.params': '{n} 参数',
  'auth.username': '用户名',
  'auth.email': '邮箱',
  'auth.login': '用户名或邮箱',
  'auth.password': '密码',
  'auth.signInTitle': '登录',
  'auth.signUpTitle': '创建账号',
  'auth.signInButton': '登录',
  'auth.signUpButton': '创建账号',
  'auth.haveAccount': '已有账号？去登录',
  'auth.noAccount': '还没有账号？去注册',
  'error.requestId': '请求编号：{id}',
  'error.title': '出错了',
  loading: '加载中…',
  'notFound.title': '页面不存在',
  'notFound.text': '此地址没有内容，或您无权查看。',
  'notFound.home': '返回模型列表',
};

const MESSAGES: Record<Lang, Record<MessageKey, string>> = { en, 'zh-CN': zh };

/** The saved choice, else the browser's first language that is Chinese or English. */
export function initialLang(): Lang {
  const saved = localStorage.getItem('lang');
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    if (l.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  return (key, params) => MESSAGES[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(params?.[k] ?? ''));
}

export const I18n = createContext<{ lang: Lang; t: Translate; setLang: (l: Lang) => void }>({ lang: 'en', t: translator('en'), setLang: () => undefined });
export const useI18n = () => useContext(I18n);

export const formatNumber = (lang: Lang, n: number) => new Intl.NumberFormat(lang, { notation: n >= 10_000 ? 'compact' : 'standard' }).format(n);
export const formatDate = (lang: Lang, iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(iso));
