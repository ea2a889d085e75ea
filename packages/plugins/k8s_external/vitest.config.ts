import { defineConfig } from 'vitest/config';
import { packageTestConfig } from '../../../tooling/vitest.preset.mjs';

export default defineConfig(packageTestConfig('@tsdns/plugin-k8s_external'));
