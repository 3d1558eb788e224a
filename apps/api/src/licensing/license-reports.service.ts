import { Injectable, StreamableFile } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { ModelAccessService } from '../models/model-access.service';
import { OrgAccessService } from '../orgs/org-access.service';
import type { AuditQuery, UsageQuery } from './dto/licensing-queries.dto';
import { CallUsageRepository } from './call-usage.repository';
import { AuditRecord, LicenseAuditRepository } from './license-audit.repository';
import { AuditInfo, presentAudit } from './licensing.presenter';
import type { RepoKind } from '../models/repo-kind';

const DAY_MS = 24 * 3600 * 1000;

export interface UsageDownload {
  at: string;
  licensee: { type: 'org' | 'user'; name: string };
  user: string | null;
  grantId: string;
  termsVersion: number | null;
  path: string;
  revision: string | null;
  commitId: string | null;
}

export interface LicenseeUsage {
  licensee: { type: 'org' | 'user'; name: string };
  downloads: number;
  /** Distinct users who downloaded (compare with the offer's seats). */
  users: number;
  files: number;
  grants: string[];
  firstDownloadAt: string;
  lastDownloadAt: string;
}

export interface CallUsage {
  total: number;
  errors: number;
  /** Per licensee and day (UTC): calls, errors, p50/p95 latency in ms and the amount of per-call prices. */
  perDay: {
    day: string;
    licensee: { type: 'org' | 'user'; name: string };
    calls: number;
    errors: number;
    p50Ms: number;
    p95Ms: number;
    amount: string | null;
    currency: string | null;
  }[];
  /** What each licensee owes for calls per month (UTC) and currency. */
  owed: { month: string; licensee: { type: 'org' | 'user'; name: string }; calls: number; amount: string; currency: string }[];
}

export interface UsageReport {
  model: string;
  from: string;
  to: string;
  totalDownloads: number;
  licensees: LicenseeUsage[];
  downloads: UsageDownload[];
  calls: CallUsage;
}

const CALL_CSV_COLUMNS = ['day', 'licensee_type', 'licensee', 'calls', 'errors', 'p50_ms', 'p95_ms', 'amount', 'currency'] as const;
const CSV_COLUMNS = ['at', 'licensee_type', 'licensee', 'user', 'grant_id', 'terms_version', 'path', 'revision', 'commit_id'] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * What the audit log tells each side: the organization's own log (publisher or licensee side:
 * every decision about its grants and every download under them), and the publisher's usage
 * report of a model per licensee and period, in JSON or CSV.
 */
@Injectable()
export class LicenseReportsService {
  constructor(
    private readonly audit: LicenseAuditRepository,
    private readonly orgAccess: OrgAccessService,
    private readonly access: ModelAccessService,
    private readonly callUsage: CallUsageRepository,
  ) {}

  /** The organization's audit log, newest first: its admins and owners only. */
  async orgAudit(principal: Principal, orgName: string, q: AuditQuery): Promise<{ items: AuditInfo[]; nextCursor: string | null }> {
    const org = await this.orgAccess.findOrThrow(orgName);
    await this.orgAccess.requireRole(principal, org, 'admin');
    const { from, to } = period(q.from, q.to, null);
    const rows = await this.audit.listForOrg(org.id, { from: from ?? undefined, to, action: q.action, beforeId: q.cursor, take: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: page.map(presentAudit), nextCursor: rows.length > q.limit ? page[page.length - 1].id : null };
  }

  /** Downloads of the model under grants, per licensee, in [from, to): the model's administrators only. */
  async usage(principal: Principal, namespace: string, name: string, kind: RepoKind, q: UsageQuery): Promise<UsageReport | StreamableFile> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.access.assertCanAdmin(principal, model);
    const { from, to } = period(q.from, q.to, 30);
    const [rows, callDays, owed] = await Promise.all([
      this.audit.grantDownloads(model.id, from!, to, q.licensee),
      this.callUsage.perDay(model.id, from!, to, q.licensee),
      this.callUsage.owedPerMonth(model.id, from!, to, q.licensee),
    ]);
    const downloads = rows.map(toDownload);
    const calls: CallUsage = {
      total: callDays.reduce((n, d) => n + d.calls, 0),
      errors: callDays.reduce((n, d) => n + d.errors, 0),
      perDay: callDays.map(({ licenseeOrgId, licenseeName, ...d }) => ({ ...d, licensee: { type: licenseeOrgId ? 'org' : 'user', name: licenseeName } })),
      owed: owed.map(({ licenseeOrgId, licenseeName, ...m }) => ({ ...m, licensee: { type: licenseeOrgId ? 'org' : 'user', name: licenseeName } })),
    };
    if (q.format === 'csv' && q.part === 'calls') {
      const lines = [
        CALL_CSV_COLUMNS.join(','),
        ...calls.perDay.map((d) =>
          [d.day, d.licensee.type, d.licensee.name, d.calls, d.errors, d.p50Ms, d.p95Ms, d.amount, d.currency].map(csvField).join(','),
        ),
      ];
      return csvFile(lines, `calls-${model.fullName.replace('/', '-')}-${from!.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv`);
    }
    if (q.format === 'csv') {
      const lines = [
        CSV_COLUMNS.join(','),
        ...downloads.map((d) =>
          [d.at, d.licensee.type, d.licensee.name, d.user, d.grantId, d.termsVersion, d.path, d.revision, d.commitId].map(csvField).join(','),
        ),
      ];
      return csvFile(lines, `usage-${model.fullName.replace('/', '-')}-${from!.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv`);
    }
    return {
      model: model.fullName,
      from: from!.toISOString(),
      to: to.toISOString(),
      totalDownloads: downloads.length,
      licensees: perLicensee(rows),
      downloads,
      calls,
    };
  }
}

const csvFile = (lines: string[], filename: string) =>
  new StreamableFile(Buffer.from(`${lines.join('\r\n')}\r\n`), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });

/** [from, to): `to` defaults to now; `from` to `defaultDays` before `to` (null: unbounded). */
function period(fromText: string | undefined, toText: string | undefined, defaultDays: number | null): { from: Date | null; to: Date } {
  const to = toText ? new Date(toText) : new Date();
  const from = fromText ? new Date(fromText) : defaultDays === null ? null : new Date(to.getTime() - defaultDays * DAY_MS);
  if (from && from.getTime() >= to.getTime())
    throw HubException.badRequest('invalid_period', `from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  return { from, to };
}

const licenseeOf = (e: AuditRecord) => ({ type: e.licenseeOrgId ? ('org' as const) : ('user' as const), name: e.licenseeName ?? '' });

const toDownload = (e: AuditRecord): UsageDownload => ({
  at: e.at.toISOString(),
  licensee: licenseeOf(e),
  user: e.actorName,
  grantId: e.grantId!,
  termsVersion: e.termsVersion,
  path: e.path!,
  revision: e.revision,
  commitId: e.commitId,
});

function perLicensee(rows: AuditRecord[]): LicenseeUsage[] {
  const groups = new Map<string, AuditRecord[]>();
  for (const e of rows) {
    const key = e.licenseeOrgId ?? e.licenseeUserId ?? '';
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()]
    .map((events) => ({
      licensee: licenseeOf(events[0]),
      downloads: events.length,
      users: new Set(events.map((e) => e.actorUserId)).size,
      files: new Set(events.map((e) => e.path)).size,
      grants: [...new Set(events.map((e) => e.grantId!))],
      firstDownloadAt: events[0].at.toISOString(),
      lastDownloadAt: events[events.length - 1].at.toISOString(),
    }))
    .sort((a, b) => b.downloads - a.downloads || a.licensee.name.localeCompare(b.licensee.name));
}
