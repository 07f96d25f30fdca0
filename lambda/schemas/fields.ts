import * as z from 'zod';

/** A device id as the client sends it (RAVN Mail: a 64-hex machine hash; any label is accepted). */
export const instanceName = z.string().trim().min(1).max(256);
export const licenseKey = z.string().trim().min(1).max(256);
export const instanceId = z.string().trim().min(1).max(256);
