import { SyntraError } from '../../domain/errors.js';
import { RemoveRetentionPolicyInput, RetentionPolicy } from './retention-schemas.js';
import { parseInput } from './validate.js';
import { write, type ControlWrite } from './writes.js';

/** Registry writes of the per-namespace retention windows (one entity per scope). */

export const setRetentionPolicy: ControlWrite<RetentionPolicy> = async (db, input, meta, options = {}) => {
  const policy = parseInput(RetentionPolicy, input, 'retention policy');
  return write(db, meta, options, () => ({ entityType: 'retention_policy', action: 'upsert', entityName: policy.namespace, payload: { policy } }));
};

export const removeRetentionPolicy: ControlWrite<RemoveRetentionPolicyInput> = async (db, input, meta, options = {}) => {
  const { namespace } = parseInput(RemoveRetentionPolicyInput, input, 'retention policy removal');
  return write(db, meta, options, (head) => {
    if (!head.retentionPolicies?.[namespace]) throw new SyntraError('not_found', `namespace ${namespace} has no retention policy of its own`);
    return { entityType: 'retention_policy', action: 'delete', entityName: namespace, payload: {} };
  });
};
