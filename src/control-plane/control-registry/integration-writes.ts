import { SyntraError } from '../../domain/errors.js';
import { WHOLE_SET } from './fold.js';
import { NotificationChannel, RemoveEntityInput, UpdateAlertRulesInput } from './schemas.js';
import { parseInput } from './validate.js';
import { write, type ControlWrite } from './writes.js';

/** Registry writes of the integrations: the alert rules (one ordered set) and notification channels. */

export const updateAlertRules: ControlWrite<UpdateAlertRulesInput> = async (db, input, meta, options = {}) => {
  const req = parseInput(UpdateAlertRulesInput, input, 'alert rules');
  return write(db, meta, options, (_head, headVersion) => {
    if (req.expectedVersion !== undefined && req.expectedVersion !== headVersion) {
      throw new SyntraError('conflict', `the control registry moved from version ${req.expectedVersion} to ${headVersion} meanwhile; read the alert rules again and reapply the change`);
    }
    return { entityType: 'alert_rule', action: 'upsert', entityName: WHOLE_SET, payload: { rules: req.rules } };
  });
};

export const upsertNotificationChannel: ControlWrite<NotificationChannel> = async (db, input, meta, options = {}) => {
  const channel = parseInput(NotificationChannel, input, 'notification channel');
  // Unsigned, a generic webhook could not tell Syntra's messages from anyone else's.
  if (channel.type === 'webhook' && !channel.secretEnv) {
    throw new SyntraError('validation_failed', `channel ${channel.name}: a webhook channel needs secretEnv, the variable holding its signing secret`, { details: { fields: [{ field: 'body.secretEnv', problem: 'is required for type webhook' }] } });
  }
  if (channel.type !== 'webhook' && channel.secretEnv) {
    throw new SyntraError('validation_failed', `channel ${channel.name}: secretEnv applies to webhook channels only (${channel.type} messages are not signed)`, { details: { fields: [{ field: 'body.secretEnv', problem: 'is only for type webhook' }] } });
  }
  return write(db, meta, options, () => ({ entityType: 'notification_channel', action: 'upsert', entityName: channel.name, payload: { channel } }));
};

export const removeNotificationChannel: ControlWrite<RemoveEntityInput> = async (db, input, meta, options = {}) => {
  const { name } = parseInput(RemoveEntityInput, input, 'notification channel removal');
  return write(db, meta, options, (head) => {
    if (!head.notificationChannels?.[name]) throw new SyntraError('not_found', `notification channel ${name} is not registered`);
    return { entityType: 'notification_channel', action: 'delete', entityName: name, payload: {} };
  });
};
