/**
 * Per-incident message wording. Defaults live in shared/messages.ts; an incident's edits are rows
 * in message_templates. An edit is checked when it is made (unknown or missing placeholders are a
 * 400 naming them), so rendering at send time cannot fail on a placeholder.
 */
import type { Db, Tx } from '../db/client.js';
import { findIncident } from '../incidents/repo.js';
import { deleteTemplate, settingsRow, templateRows, upsertSettings, upsertTemplate } from './repo.js';
import {
  checkTemplate,
  DEFAULT_TEMPLATES,
  LANGUAGES,
  messageSettingsSchema,
  TEMPLATE_FIELDS,
  TEMPLATE_KEYS,
  templateUpdateSchema,
  type Language,
  type MessageSettings,
  type TemplateKey,
  type TemplateText,
  type TemplateView,
} from '../../shared/messages.js';
import { zodFieldErrors } from '../../shared/errors.js';
import { AppError, validationError } from '../http/errors.js';

export type TemplateLookup = (key: TemplateKey, language: Language) => TemplateText;

/** All of an incident's wording, resolved: its own edit, else the default in that language. */
export async function loadTemplates(db: Db | Tx, incidentId: string): Promise<TemplateLookup> {
  const rows = await templateRows(db, incidentId);
  const custom = new Map(rows.map((r) => [`${r.key}:${r.language}`, { subject: r.subject, body: r.body }]));
  return (key, language) => custom.get(`${key}:${language}`) ?? DEFAULT_TEMPLATES[language][key];
}

export const DEFAULT_SETTINGS: MessageSettings = { helplinePhone: '', departureNoticeMinutes: 30 };

export async function loadSettings(db: Db | Tx, incidentId: string): Promise<MessageSettings> {
  const row = await settingsRow(db, incidentId);
  return row ? { helplinePhone: row.helplinePhone, departureNoticeMinutes: row.departureNoticeMinutes } : { ...DEFAULT_SETTINGS };
}

export class TemplateService {
  constructor(private readonly db: Db) {}

  async list(incidentId: string): Promise<TemplateView[]> {
    await this.assertIncident(incidentId);
    const rows = await templateRows(this.db, incidentId);
    const custom = new Set(rows.map((r) => `${r.key}:${r.language}`));
    const lookup = await loadTemplates(this.db, incidentId);
    return TEMPLATE_KEYS.flatMap((key) => LANGUAGES.map((language) => view(key, language, lookup(key, language), custom.has(`${key}:${language}`))));
  }

  /** Save an incident's wording for one step and language; refused with every problem named. */
  async update(incidentId: string, key: TemplateKey, language: Language, raw: unknown, userId: string | null): Promise<TemplateView> {
    const parsed = templateUpdateSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'template');
    const problems = checkTemplate(key, parsed.data);
    if (problems.length) throw validationError(problems, 'template');
    await this.assertIncident(incidentId);
    const values = { incidentId, key, language, subject: parsed.data.subject, body: parsed.data.body, updatedAt: new Date(), updatedBy: userId };
    await upsertTemplate(this.db, values);
    return view(key, language, parsed.data, true);
  }

  /** Back to the built-in wording. */
  async reset(incidentId: string, key: TemplateKey, language: Language): Promise<TemplateView> {
    await deleteTemplate(this.db, incidentId, key, language);
    return view(key, language, DEFAULT_TEMPLATES[language][key], false);
  }

  async settings(incidentId: string): Promise<MessageSettings> {
    await this.assertIncident(incidentId);
    return loadSettings(this.db, incidentId);
  }

  async updateSettings(incidentId: string, raw: unknown): Promise<MessageSettings> {
    const parsed = messageSettingsSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'settings');
    await this.assertIncident(incidentId);
    const next = {
      ...(await loadSettings(this.db, incidentId)),
      ...Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)),
    } as MessageSettings;
    await upsertSettings(this.db, incidentId, next);
    return next;
  }

  private async assertIncident(incidentId: string) {
    const inc = await findIncident(this.db, incidentId);
    if (!inc) throw new AppError('not_found', 'No such incident.');
  }
}

function view(key: TemplateKey, language: Language, t: TemplateText, custom: boolean): TemplateView {
  return {
    key,
    language,
    subject: t.subject,
    body: t.body,
    custom,
    placeholders: ['household', 'link', 'helpline', ...TEMPLATE_FIELDS[key].allowed],
    required: [...TEMPLATE_FIELDS[key].required],
  };
}
