import type { RedactionRule } from './index.js';

/*
 * The built-in redaction rules, as data in gitleaks' shape (see RedactionRule). Each true positive is a
 * made-up secret of the real format; each false positive is text the rule must leave alone. Order
 * matters where formats nest: Anthropic keys (`sk-ant-...`) before OpenAI's (`sk-...`).
 */

/** The rule id of values under secret-named keys (`password`, `token`, ...). */
export const SECRET_KEY_RULE = 'secret-key';

/** The key names whose values are redacted whole by default (matched by words: `accessToken`, `x-api-key`). */
export const DEFAULT_SECRET_KEYS: readonly string[] = Object.freeze([
  'password',
  'secret',
  'token',
  'apiKey',
  'authorization',
  'cookie',
]);

/** The built-in rules: OpenAI and Anthropic keys, AWS access keys, GitHub tokens, JWTs, PEM private keys, `Authorization: Bearer`. */
export const DEFAULT_REDACTION_RULES: readonly RedactionRule[] = Object.freeze([
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API or admin key',
    regex: '\\bsk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_-]{32,}',
    keywords: ['sk-ant-'],
    entropy: 3.5,
    truePositives: [
      'ANTHROPIC_API_KEY=sk-ant-api03-Qm7vX2pL9dR4tY8wK1zN6cB3hF5jS0aGeUoIiPqTyWxVbMnLkJhGfDsA-_9d8f7g6h5j4k3l2AA',
      'key: sk-ant-admin01-Zx9Cv8Bn7Mq6Wl5Ek4Rj3Th2Yp1Ug0IoPaSdFgHjKlQwErTy',
    ],
    falsePositives: ['sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'use the sk-ant- prefix'],
  },
  {
    id: 'openai-api-key',
    description: 'OpenAI API key (legacy, project, service account or admin)',
    regex: '\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}',
    keywords: ['sk-'],
    entropy: 3.5,
    truePositives: [
      'OPENAI_API_KEY=sk-proj-4fGh8JkL2mNp6QrS0tUv3WxY7zAb1CdE5fGh9IjK-LmNoPqRsTuV',
      'client = OpenAI(api_key="sk-Xy7Kp2Lm9Qw4Er8Ty1Ui5Op3As6Df0GhT3BlbkFJ")',
    ],
    falsePositives: [
      'pip install sk-learn',
      'scikit-learn and sk-learn are the same thing',
      'sk-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'ask-me-anything-about-everything-under-the-sun',
    ],
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key ID',
    regex: '\\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\\b',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    entropy: 3,
    allowlist: { regexes: ['EXAMPLE$'] },
    truePositives: ['aws_access_key_id = AKIAZ3MSJX4TQ7LRWN5P', 'ASIAQ4LZ7XK2MRD5WTNB'],
    falsePositives: ['AKIAIOSFODNN7EXAMPLE', 'AKIAAAAAAAAAAAAAAAAA', 'ASIAN markets opened'],
  },
  {
    id: 'github-token',
    description: 'GitHub personal access, OAuth, user-to-server, server-to-server or refresh token',
    regex: '\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\\b',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    entropy: 3,
    truePositives: [
      'GITHUB_TOKEN=ghp_R4nd0mT0k3nV4lu3Xy7Kp2Lm9Qw4Er8Ty1Ui',
      'ghs_9zXcVbNm8AsDfGh7JkLqWe6RtYu5IoP4aSdF',
    ],
    falsePositives: ['ghp_000000000000000000000000000000000000', 'the ghp_ prefix marks a classic token'],
  },
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    regex: '\\bgithub_pat_[A-Za-z0-9_]{82}\\b',
    keywords: ['github_pat_'],
    entropy: 3,
    truePositives: [
      'github_pat_11ABCDEFG0aZ9yX8wV7uT6_sR5qP4oN3mL2kJ1iH0gF9eD8cB7aZ6yX5wV4uT3sR2qP1oN0mL9kJ8iH7gF',
    ],
    falsePositives: ['github_pat_ tokens are fine-grained'],
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    regex: '\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*',
    keywords: ['eyj'],
    truePositives: [
      'token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'eyJhbGciOiJub25lIn0.eyJpc3MiOiJvbWVnYSJ9.',
    ],
    falsePositives: ['eyJ is how base64 of {" begins', 'eyJhbGci.notapayload.sig'],
  },
  {
    id: 'private-key',
    description: 'PEM-encoded private key',
    regex:
      '-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\\s\\S]{32,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----',
    keywords: ['-----begin'],
    truePositives: [
      'key:\n-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHq2mXr8Jv3Lw9Pz1Kc4Tn6Yb0Fd5Gh7Sj2Ue8Ai\n-----END PRIVATE KEY-----\nend',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----',
    ],
    falsePositives: [
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----',
    ],
  },
  {
    id: 'authorization-bearer',
    description: 'Bearer credentials of an Authorization header',
    regex: '\\bauthorization\\s*[:=]\\s*["\']?bearer\\s+([A-Za-z0-9._~+/-]+=*)',
    caseInsensitive: true,
    secretGroup: 1,
    keywords: ['bearer'],
    truePositives: [
      'curl -H "Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543" https://api',
      'authorization=bearer abc.DEF_123~xyz',
    ],
    falsePositives: ['the bearer of this letter', 'Authorization: Basic dXNlcjpwYXNz'],
  },
]);
