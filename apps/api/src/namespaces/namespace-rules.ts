import { HubException } from '../common/hub-exception';

/**
 * Rules for user and organization names (they share one namespace, like on Hugging Face):
 * 2 to 39 characters; letters, digits, '-', '_' and '.'; starting and ending with a letter or
 * digit; no two of '-', '_', '.' in a row. Names are unique regardless of case. Names that the
 * hub's own routes use are reserved.
 */
export const NAMESPACE_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,37}[A-Za-z0-9])?$/;
export const NAMESPACE_NAME_RULES = '2-39 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit, no two of "-_." in a row';

export const RESERVED_NAMES = new Set([
  'about',
  'account',
  'admin',
  'api',
  'assets',
  'auth',
  'blog',
  'collections',
  'datasets',
  'docs',
  'explore',
  'favicon.ico',
  'healthz',
  'help',
  'hub',
  'join',
  'licenses',
  'login',
  'logout',
  'me',
  'models',
  'new',
  'notifications',
  'null',
  'openapi.json',
  'organizations',
  'orgs',
  'papers',
  'pricing',
  'privacy',
  'readyz',
  'register',
  'root',
  'search',
  'settings',
  'signup',
  'spaces',
  'static',
  'support',
  'system',
  'terms',
  'tokens',
  'undefined',
  'users',
  'www',
]);

export const namespaceKey = (name: string) => name.toLowerCase();

/** Throws a 400 naming the field when `name` breaks the rules or is reserved. */
export function assertValidNamespaceName(name: string, field: string): void {
  if (name.length < 2 || !NAMESPACE_NAME_PATTERN.test(name) || /[._-]{2}/.test(name)) {
    throw HubException.badRequest('invalid_name', `${field} must be ${NAMESPACE_NAME_RULES}`, [{ field, message: `must be ${NAMESPACE_NAME_RULES}` }]);
  }
  if (RESERVED_NAMES.has(namespaceKey(name))) {
    throw HubException.badRequest('reserved_name', `'${name}' is reserved by the hub; choose another ${field}`, [{ field, message: 'is reserved' }]);
  }
}
