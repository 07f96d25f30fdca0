import { devicesBody } from '#http/device-bodies.ts';
import { type ApiHandler, jsonRoute, runRoute } from '#http/run-route.ts';
import { devicesRequestSchema } from '#schemas/devices.ts';
import { listDevices } from '#services/list-devices.ts';
import type { ServiceDeps } from '#services/service-deps.ts';

/** POST /v1/devices: the devices of the license whose key is sent. */
export function postDevices(deps: ServiceDeps): ApiHandler {
  return runRoute(
    deps.logger,
    jsonRoute(devicesRequestSchema, (input) => listDevices(deps, input), devicesBody),
  );
}
