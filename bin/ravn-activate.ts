#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { readDeploySettings } from '#config/deploy-settings.ts';
import { composeApp } from '../lib/app.ts';

// Settings from --context (or cdk.json), else the environment; see docs/deploy.md.
const app = new App();
composeApp(
  app,
  readDeploySettings((key) => app.node.tryGetContext(key)),
);
