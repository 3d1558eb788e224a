import type { Principal } from '../common/auth/principal';
import type { ModelRecord } from '../models/model.repository';
import type { AuditContext } from './license-audit.repository';
import type { Grantee } from './licensing-records';

/** Who acted on which model, under which offer version, for which licensee: the common part of a decision's audit entries. */
export function auditContext(principal: Principal, model: ModelRecord, offer: { offerId: string; termsVersion: number }, grantee: Grantee): AuditContext {
  return {
    actorUserId: principal.userId,
    actorName: principal.username,
    modelId: model.id,
    modelName: model.fullName,
    publisherOrgId: model.ownerOrgId,
    licenseeOrgId: grantee.kind === 'org' ? grantee.id : null,
    licenseeUserId: grantee.kind === 'user' ? grantee.id : null,
    licenseeName: grantee.name,
    offerId: offer.offerId,
    termsVersion: offer.termsVersion,
  };
}
