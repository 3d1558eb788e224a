import { HttpStatus, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { ModelAccessService } from '../models/model-access.service';
import { ModelRecord, ModelRepository } from '../models/model.repository';
import { OrgAccessService } from '../orgs/org-access.service';
import { roleAtLeast } from '../orgs/org-roles';
import type { ApproveRequestDto, CreateLicenseRequestDto } from './dto/request.dto';
import type { ListMyRequestsQuery, ListRequestsQuery } from './dto/licensing-queries.dto';
import { auditContext } from './audit-context';
import { DecisionResult, LicenseRequestRepository } from './license-request.repository';
import type { Grantee, OfferQuestion, RequestRecord } from './licensing-records';
import { GrantInfo, presentGrant, presentRequest, RequestInfo } from './licensing.presenter';
import { LicensingNotifier } from './licensing-notifier.service';
import { OffersService } from './offers.service';

const DAY_MS = 24 * 3600 * 1000;
const MAX_ANSWER_LENGTH = 5000;

/**
 * Licence requests, from the request to the decision.
 *
 * - A user requests an offer for themselves, or for an organization where they are admin or
 *   owner, accepting the offer's current terms version (an outdated one is 409 `terms_outdated`)
 *   and answering its required questions.
 * - `auto` offers are granted at once; `manual` ones wait for an administrator of the model, who
 *   approves (optionally with an expiry; else the offer's duration) or rejects with a reason. The
 *   requester, or an admin of the organization it was made for, can cancel it while pending.
 * - One pending request or active grant per model and grantee: another request is 409.
 * Every decision is written to the audit log in its own transaction (see the repository).
 */
@Injectable()
export class LicenseRequestsService {
  constructor(
    private readonly requests: LicenseRequestRepository,
    private readonly offers: OffersService,
    private readonly models: ModelRepository,
    private readonly access: ModelAccessService,
    private readonly orgAccess: OrgAccessService,
    private readonly notifier: LicensingNotifier,
  ) {}

  async create(principal: Principal, offerId: string, dto: CreateLicenseRequestDto): Promise<RequestInfo & { grant?: GrantInfo }> {
    const { offer, model } = await this.offers.findReadable(principal, offerId);
    if (offer.withdrawnAt)
      throw HubException.conflict(`Offer ${offer.id} was withdrawn on ${offer.withdrawnAt.toISOString()}: it takes no new requests`, 'offer_withdrawn');
    if (dto.termsVersion !== offer.terms.version) {
      throw new HubException(
        HttpStatus.CONFLICT,
        'terms_outdated',
        `You accepted terms version ${dto.termsVersion} but offer ${offer.id} is at version ${offer.terms.version}: read the current terms (GET /api/v1/offers/${offer.id}) and accept version ${offer.terms.version}`,
        { body: { currentTermsVersion: offer.terms.version } },
      );
    }
    const grantee = await this.granteeFor(principal, dto.org);
    if ((grantee.kind === 'org' && grantee.id === model.ownerOrgId) || (grantee.kind === 'user' && grantee.id === model.ownerUserId)) {
      throw HubException.badRequest('grantee_is_publisher', `${model.fullName} belongs to '${model.namespace}': its members already have access`);
    }
    const answers = checkAnswers(offer.questions, dto.answers ?? {});
    const auto = offer.approval === 'auto';
    const result = await this.requests.create(
      {
        offerId: offer.id,
        modelId: model.id,
        requesterId: principal.userId,
        grantee,
        termsVersion: offer.terms.version,
        answers,
        message: dto.message ?? '',
        autoGrant: auto ? { endsAt: offer.terms.durationDays ? new Date(Date.now() + offer.terms.durationDays * DAY_MS) : null } : undefined,
      },
      auditContext(principal, model, { offerId: offer.id, termsVersion: offer.terms.version }, grantee),
    );
    if ('conflict' in result) {
      const [code, what, id] =
        result.conflict === 'pending'
          ? ['request_pending', `a pending request (${result.requestId})`, result.requestId]
          : ['already_granted', `an active grant (${result.grantId})`, result.grantId];
      throw new HubException(HttpStatus.CONFLICT, code, `${describe(grantee)} already has ${what} for ${model.fullName}`, {
        body: result.conflict === 'pending' ? { pendingRequestId: id } : { grantId: id },
      });
    }
    await this.notifier.requested(model, result.created, result.grant);
    return { ...presentRequest(result.created), ...(result.grant ? { grant: presentGrant(result.grant) } : {}) };
  }

  async get(principal: Principal, id: string): Promise<RequestInfo> {
    const { request, model } = await this.find(principal, id);
    if (!(await this.mayAdminModel(principal, model)) && !(await this.isRequesterSide(principal, request))) throw requestNotFound(id);
    return presentRequest(request);
  }

  async approve(principal: Principal, id: string, dto: ApproveRequestDto): Promise<RequestInfo & { grant: GrantInfo }> {
    const { request, model } = await this.find(principal, id);
    await this.access.assertCanAdmin(principal, model);
    const endsAt = await this.endsAt(request, dto.expiresAt);
    const result = this.settled(
      await this.requests.approve(id, principal.userId, { endsAt, note: dto.note ?? null }, auditContext(principal, model, request, request.grantee)),
      'approve',
    );
    await this.notifier.approved(model, result.request, result.grant!);
    return { ...presentRequest(result.request), grant: presentGrant(result.grant!) };
  }

  async reject(principal: Principal, id: string, reason: string): Promise<RequestInfo> {
    const { request, model } = await this.find(principal, id);
    await this.access.assertCanAdmin(principal, model);
    const result = this.settled(
      await this.requests.close(id, 'rejected', principal.userId, reason.trim(), auditContext(principal, model, request, request.grantee)),
      'reject',
    );
    await this.notifier.rejected(model, result.request);
    return presentRequest(result.request);
  }

  async cancel(principal: Principal, id: string, reason?: string): Promise<RequestInfo> {
    const { request, model } = await this.find(principal, id);
    if (!(await this.isRequesterSide(principal, request, 'admin'))) {
      throw HubException.forbidden('Only the requester, or an admin of the organization the request is for, can cancel it', 'not_requester');
    }
    const result = this.settled(
      await this.requests.close(id, 'cancelled', principal.userId, reason?.trim() || null, auditContext(principal, model, request, request.grantee)),
      'cancel',
    );
    await this.notifier.cancelled(model, result.request);
    return presentRequest(result.request);
  }

  /** incoming: requests for the organization's models; outgoing: requests made for it. Members read. */
  async listForOrg(principal: Principal, orgName: string, q: ListRequestsQuery): Promise<RequestInfo[]> {
    const org = await this.orgAccess.findOrThrow(orgName);
    await this.orgAccess.requireRole(principal, org, 'member');
    const filter = q.direction === 'incoming' ? { modelOwnerOrgId: org.id } : { granteeOrgId: org.id };
    return (await this.requests.list({ ...filter, status: q.status })).map(presentRequest);
  }

  /** Your own requests (made for yourself), or the requests for the models of your personal namespace (incoming). */
  async listMine(principal: Principal, q: ListMyRequestsQuery): Promise<RequestInfo[]> {
    const filter = q.direction === 'incoming' ? { modelOwnerUserId: principal.userId } : { granteeUserId: principal.userId };
    return (await this.requests.list({ ...filter, status: q.status })).map(presentRequest);
  }

  private async find(principal: Principal, id: string): Promise<{ request: RequestRecord; model: ModelRecord }> {
    const request = await this.requests.findById(id);
    const model = request ? await this.models.findById(request.modelId) : null;
    if (!request || !model || !(await this.access.canRead(principal, model))) throw requestNotFound(id);
    return { request, model };
  }

  private async granteeFor(principal: Principal, orgName: string | undefined): Promise<Grantee> {
    if (!orgName) {
      this.orgAccess.assertTokenMayActFor(principal, null);
      return { kind: 'user', id: principal.userId, name: principal.username };
    }
    const org = await this.orgAccess.findOrThrow(orgName);
    await this.orgAccess.requireRole(principal, org, 'admin');
    return { kind: 'org', id: org.id, name: org.name };
  }

  /** The requester, or a member (`minimum` role) of the organization the request is for. */
  private async isRequesterSide(principal: Principal, request: RequestRecord, minimum: 'member' | 'admin' = 'member'): Promise<boolean> {
    const memberships = await this.orgAccess.memberships(principal);
    if (request.grantee.kind === 'user') return request.grantee.id === memberships.userId;
    // A token restricted to another organization does not act for this one, even for its requester.
    if (!memberships.mayActFor(request.grantee.id)) return false;
    if (request.requester?.id === principal.userId) return true;
    return roleAtLeast(memberships.roleInOrg(request.grantee.id), minimum);
  }

  private async mayAdminModel(principal: Principal, model: ModelRecord): Promise<boolean> {
    return this.access.assertCanAdmin(principal, model).then(
      () => true,
      () => false,
    );
  }

  /** The grant's end: the approver's `expiresAt` (in the future), else the accepted terms' duration, else none. */
  private async endsAt(request: RequestRecord, expiresAt: string | undefined): Promise<Date | null> {
    if (expiresAt) {
      const at = new Date(expiresAt);
      if (at.getTime() <= Date.now())
        throw HubException.badRequest('invalid_expiry', `expiresAt must be in the future (got ${expiresAt})`, [
          { field: 'expiresAt', message: 'must be in the future' },
        ]);
      return at;
    }
    const terms = await this.offers.termsVersion(request.offerId, request.termsVersion);
    return terms?.durationDays ? new Date(Date.now() + terms.durationDays * DAY_MS) : null;
  }

  private settled(result: DecisionResult, action: string): Extract<DecisionResult, { request: RequestRecord }> {
    if ('notPending' in result) throw HubException.conflict(`Cannot ${action} this request: it is already ${result.notPending}`, 'request_not_pending');
    return result;
  }
}

function checkAnswers(questions: OfferQuestion[], answers: Record<string, unknown>): Record<string, string> {
  const known = new Set(questions.map((q) => q.id));
  const problems: { field: string; message: string }[] = [];
  for (const [id, value] of Object.entries(answers)) {
    if (!known.has(id)) problems.push({ field: `answers.${id}`, message: `the offer has no question '${id}'` });
    else if (typeof value !== 'string') problems.push({ field: `answers.${id}`, message: 'an answer must be a string' });
    else if (value.length > MAX_ANSWER_LENGTH) problems.push({ field: `answers.${id}`, message: `an answer may be at most ${MAX_ANSWER_LENGTH} characters` });
  }
  for (const q of questions) {
    const a = answers[q.id];
    if (q.required && (typeof a !== 'string' || !a.trim())) problems.push({ field: `answers.${q.id}`, message: `'${q.text}' needs an answer` });
  }
  if (problems.length)
    throw HubException.badRequest('invalid_answers', `Invalid answers: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
  return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, String(v).trim()]));
}

const describe = (g: Grantee) => (g.kind === 'org' ? `The organization '${g.name}'` : `'${g.name}'`);

const requestNotFound = (id: string) => HubException.notFound(`Licence request ${id} not found`, 'request_not_found');
