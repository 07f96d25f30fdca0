/**
 * The admin API's commands and their paths (POST, JSON). Served by `ravn-admin` on its own
 * function URL (AWS_IAM auth), never through CloudFront, and by the local server under the same
 * paths; deliberately not in `config/routes.ts`, the public table.
 */
export const ADMIN_PREFIX = '/admin/';

export const ADMIN_COMMANDS = {
  'license show': '/admin/license/show',
  'license sync': '/admin/license/sync',
  'key revoke': '/admin/key/revoke',
  'key enable': '/admin/key/enable',
  'key rotate': '/admin/key/rotate',
  'trial reset': '/admin/trial/reset',
  'device deactivate': '/admin/device/deactivate',
  'audit list': '/admin/audit/list',
} as const;

export type AdminCommand = keyof typeof ADMIN_COMMANDS;
export type AdminPath = (typeof ADMIN_COMMANDS)[AdminCommand];
