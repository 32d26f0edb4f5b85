// fnesim serve — the workbench page (docs/workbench.md). Plain JavaScript, no
// build step, no library, nothing fetched from outside the server: the page
// loads a scenario, generates its form from the server's fields, validates as
// the planner types, runs simulations, shows their results with the committee
// report's own words, number formats and charts, and compares a variant with
// its parent scenario.
'use strict';

(function () {

// ---------------------------------------------------------------------------
// Numbers, money, percentages and dates, by language: scripts/report.py's
// format_number, format_meur, format_percent, format_points, format_euros and
// format_date, rule for rule. French typography after CLDR: a narrow no-break
// space (U+202F) groups thousands and precedes "%", a no-break space (U+00A0)
// precedes a unit, the decimal mark is a comma.

const NNBSP = '\u202f', NBSP = '\u00a0', MINUS = '\u2212';
const MONTHS = {
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

// `x` (finite, >= 0) rounded to `decimals` as Python's format() rounds: on the
// double's exact decimal value, a true tie going to the even digit (12.5 -> "12",
// where toFixed would give "13").
function roundedDigits(x, decimals) {
  const exact = x.toFixed(100);  // exact below 1e21
  if (exact.indexOf('e') >= 0) return x.toFixed(decimals);
  const point = exact.indexOf('.');
  const whole = exact.slice(0, point), fraction = exact.slice(point + 1);
  let digits = whole + fraction.slice(0, decimals);
  const rest = fraction.slice(decimals);
  let up = false;
  if (rest.length > 0) {
    const first = rest.charCodeAt(0) - 48;
    if (first > 5) up = true;
    else if (first === 5) up = /[1-9]/.test(rest.slice(1)) || (digits.charCodeAt(digits.length - 1) - 48) % 2 === 1;
  }
  if (up) digits = (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
  if (decimals === 0) return digits.replace(/^0+(?=\d)/, '');
  const integer = digits.slice(0, digits.length - decimals).replace(/^0+(?=\d)/, '') || '0';
  return integer + '.' + digits.slice(digits.length - decimals);
}

function isNumber(value) {
  return typeof value === 'number' && isFinite(value);
}

// The value `roundedDigits` gives, with its sign: Python's round(value, decimals).
function pythonRound(value, decimals) {
  const magnitude = Number(roundedDigits(Math.abs(value), decimals));
  return value < 0 ? -magnitude : magnitude;
}

function formatNumber(value, decimals, lang) {
  if (!isNumber(value)) return '—';
  const rounded = roundedDigits(Math.abs(value), decimals);
  const point = rounded.indexOf('.');
  const integer = point >= 0 ? rounded.slice(0, point) : rounded;
  let text = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (point >= 0 ? '.' + rounded.slice(point + 1) : '');
  if (lang === 'fr') text = text.replace(/,/g, NNBSP).replace('.', ',');
  const negative = value < 0 && /[1-9]/.test(rounded);
  return (negative ? MINUS : '') + text;
}

function moneyDecimals(eur) {
  return Math.abs(eur) >= 10e6 ? 1 : 2;
}

function formatMeur(eur, lang, decimals, signed) {
  if (!isNumber(eur)) return '—';
  if (decimals === undefined || decimals === null) decimals = eur === 0 ? 0 : moneyDecimals(eur);
  let number = formatNumber(eur / 1e6, decimals, lang);
  let sign = '';
  if (number.startsWith(MINUS)) {
    sign = MINUS;
    number = number.slice(1);
  } else if (signed && pythonRound(eur / 1e6, decimals) > 0) {
    sign = '+';
  }
  return lang === 'fr' ? sign + number + NBSP + 'M€' : sign + '€' + number + 'M';
}

function percentDecimals(probability) {
  return (probability > 0 && probability < 0.01) || (probability > 0.99 && probability < 1) ? 1 : 0;
}

function formatPercent(probability, lang, decimals) {
  if (!isNumber(probability)) return '—';
  if (decimals === undefined || decimals === null) decimals = percentDecimals(probability);
  const number = formatNumber(100 * probability, decimals, lang);
  return lang === 'fr' ? number + NNBSP + '%' : number + '%';
}

function formatPoints(probability, lang) {
  if (!isNumber(probability)) return '—';
  const number = formatNumber(100 * probability, 1, lang);
  if (lang === 'fr') return '±' + NBSP + number + NBSP + (pythonRound(100 * probability, 1) >= 2 ? 'pts' : 'pt');
  return '±' + number + ' pp';
}

// A difference of probabilities in percentage points, signed: « −12,5 pts », "+3.0 pp".
function formatPointsDifference(difference, lang) {
  if (!isNumber(difference)) return '—';
  let number = formatNumber(100 * difference, 1, lang);
  const rounded = pythonRound(100 * difference, 1);
  if (rounded > 0) number = '+' + number;
  if (lang === 'fr') return number + NBSP + (Math.abs(rounded) >= 2 ? 'pts' : 'pt');
  return number + ' pp';
}

function formatEuros(eur, lang) {
  if (!isNumber(eur)) return '—';
  const number = formatNumber(eur, 0, lang);
  return lang === 'fr' ? number + NBSP + '€' : '€' + number;
}

function formatCount(value, lang) {
  return formatNumber(value, 0, lang);
}

// `day` = {year, month (1-12), day}.
function formatDate(day, lang) {
  const month = MONTHS[lang][day.month - 1];
  if (lang === 'fr') return (day.day === 1 ? '1er' : String(day.day)) + NBSP + month + NBSP + day.year;
  return day.day + NBSP + month + NBSP + day.year;
}

// The date `days` days after an ISO date ("2021-01-01").
function addDays(iso, days) {
  const [y, m, d] = String(iso).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return {year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate()};
}

function parseIsoDate(iso) {
  return addDays(iso, 0);
}

const Format = {
  NNBSP, NBSP, MINUS, MONTHS, roundedDigits, formatNumber, formatMeur, formatPercent, formatPoints,
  formatPointsDifference, formatEuros, formatCount, formatDate, addDays, percentDecimals, moneyDecimals,
};

if (typeof document === 'undefined') {  // node: the formats alone, for tests
  if (typeof module === 'object' && module.exports) module.exports = Format;
  return;
}

// ---------------------------------------------------------------------------
// Words. Wherever the committee report says the same thing, its words
// (scripts/report.py's TEXT), so that the page and the report agree.

const TEXT = {
  fr: {
    page_title: 'fnesim — atelier de simulation FNE-Formation 2021',
    title: 'FNE-Formation 2021 — prévision de consommation des enveloppes',
    subtitle: 'Atelier de simulation : modifier les hypothèses, simuler, comparer au scénario de départ',
    skip: 'Aller au formulaire',
    lang_switch: 'English',
    lang_switch_label: 'Show the page in English',
    lang_switch_lang: 'en',
    limits: (l) =>
        ['Limites du serveur : ', ['max_replications', l.max_replications],
         ' années simulées au plus par simulation · fichiers envoyés de ',
         ['max_upload_bytes', l.max_upload_bytes], ' au plus · ', ['max_queued_runs', l.max_queued_runs],
         plural(l.max_queued_runs, ' simulation', ' simulations') + ' en attente au plus, ',
         ['concurrent_runs', l.concurrent_runs], ' à la fois · session fermée après ',
         ['session_idle_minutes', l.session_idle_minutes], ' min sans activité'],
    bytes: (n) => bytesText(n, 'Mio', 'Kio', 'octets', 'fr'),
    scenario_heading: 'Scénario',
    builtin_label: 'Scénario fourni',
    upload_label:
        'Ou envoyer un fichier TOML (le premier est le scénario, les autres les fichiers qu\'il étend)',
    uploaded_option: 'Fichier envoyé : {name}',
    loaded: 'Scénario « {name} » ({parent})',
    loading: 'Chargement…',
    reset_all: 'Tout rétablir',
    placeholder:
        'Les résultats s\'afficheront ici : chiffres clés, épuisement par région, graphiques du rapport et comparaison avec le scénario de départ.',
    changed_none: 'Aucune hypothèse modifiée',
    changed_some: (n) => n + (n > 1 ? ' hypothèses modifiées' : ' hypothèse modifiée'),
    modified: 'modifiée',
    reset_field: 'Revenir à la valeur du scénario : {value}',
    groups: {
      envelopes: 'Enveloppes régionales',
      demand: 'Demande',
      profile: 'Calendrier mensuel des dépôts',
      policy: 'Règle d\'épuisement',
      steering: 'Pilotage',
      events: 'Événements',
      uncertainty: 'Incertitude',
    },
    units: {eur: '€', days: 'jours', share: '', count: ''},
    policies: {
      stop: 'la région refuse tous les dossiers suivants',
      fill: 'la région continue avec les dossiers qui tiennent encore',
      overcommit: 'la région engage au-delà du disponible, jusqu\'à la marge',
    },
    profile_help: 'Faire glisser les barres à la souris, ou saisir les parts ci-dessous.',
    profile_sum: 'Total des parts : {sum} (fnesim les ramène à 1)',
    profile_chart_label: 'Part des dossiers déposés chaque mois : {values}',
    run_heading: 'Simulation',
    replications_label: 'Années simulées (réplications)',
    seed_label: 'Graine',
    run_button: 'Lancer la simulation',
    cancel_button: 'Annuler',
    replications_error: 'un nombre entier entre 1 et {max}',
    seed_error: 'un nombre entier positif ou nul (au plus {max})',
    run_blocked: 'Corriger les hypothèses signalées en rouge pour lancer la simulation.',
    kind_variant: 'Variante',
    kind_baseline: 'Scénario de départ',
    state_starting: 'Envoi…',
    state_queued: 'En attente ({n} devant)',
    state_running: 'Simulation {done} / {target}',
    state_charts: 'Graphiques…',
    state_done: 'Terminé en {seconds}' + NBSP + 's',
    state_failed: 'Échec',
    run_failed: 'La simulation a échoué. Le message de fnesim' + NBSP + ':',
    run_failed_actuals:
        'La simulation à partir des réalisations (date de coupure {date}) a échoué. Le message de fnesim' +
        NBSP + ':',
    state_cancelled: 'Annulé',
    headline: 'L\'essentiel',
    context: 'Variante de « {scenario} » · {replications} années simulées · graine {seed} · {changed}',
    context_changed: '{count} : {names}',
    fig_p_additional_needed: 'Probabilité qu\'un complément de crédits soit nécessaire',
    fig_additional_q90: 'Complément qui suffit 9 années sur 10',
    fig_demand: 'Demande nationale en fin d\'année, médiane',
    fig_demand_range: ['9 années sur 10 entre ', ' et ', ''],
    fig_committed: 'Engagements nationaux attendus',
    fig_committed_sub: ['pour ', ' disponibles'],
    fig_unmet: 'Demande non satisfaite attendue, national',
    exhaustion_heading: 'Épuisement des enveloppes régionales',
    exhaustion_note:
        'Fin des engagements : {deadline}. Date médiane : « {never} » quand la région s\'épuise dans moins de la moitié des années simulées. En couleur : les régions dont la probabilité d\'épuisement dépasse 20 % (orange) ou 50 % (rouge).',
    never_short: 'non épuisée',
    national_past:
        'Quelle région a engagé les {committed} des mois nationaux est tiré à nouveau dans chaque année simulée{other} ; les engagements attendus en comptent la part de la région. Cette part varie d\'environ ±{typical} (la moitié de son intervalle à 90 %, autour de sa moyenne), de {low} à {high}{by_region}.',
    national_past_other:
        ' (les {other} restants des réalisations, comme le report de 2020, sont les mêmes chaque année)',
    national_past_by_region: ' selon la région',
    exhaustion_columns: [
      'Région', 'Enveloppe', 'P(épuisement)', 'Date médiane d\'épuisement', 'Engagements attendus',
      'Demande non satisfaite attendue'
    ],
    charts_heading: 'Graphiques du rapport',
    chart_titles: {
      fan_national: 'Engagements cumulés, national',
      fan_regions: 'Engagements cumulés, par région',
      p_exhausted: 'Probabilité d\'épuisement, mois par mois',
      additional_needed: 'Complément de crédits nécessaire',
    },
    chart_captions: {
      fan_national:
          'Chaque bande contient 10\u202f% des années simulées : la plus foncée encadre la médiane (trait plein), les plus claires vont jusqu\'aux déciles 10\u202f% et 90\u202f%. Tirets : montant disponible ; pointillés : fin des engagements ({deadline}). Les engagements sont bruts : les sommes libérées par les abandons peuvent être réengagées, si bien que le cumul peut dépasser le disponible.',
      fan_regions: 'Même lecture, chaque région avec son disponible (échelles différentes).',
      p_exhausted:
          'Part des années simulées où la région a refusé un premier dossier au plus tard à la fin du mois.',
      additional_needed:
          'Probabilité qu\'un complément d\'un montant donné suffise, les régions mises en commun (les sommes libérées comptées). Probabilité qu\'un complément soit nécessaire : {p}.',
    },
    downloads_heading: 'Téléchargements',
    download_toml: 'TOML de la variante',
    download_toml_note:
        'le fichier de la variante, qui étend son scénario de départ et ne dit que ce qui change',
    download_run: 'Fichier de la simulation (HDF5)',
    download_run_note: 'pour fnesim report, compare, inspect…',
    download_csv: 'Tableau par région (CSV)',
    download_csv_note: 'un tableur l\'ouvre',
    download_report: 'Rapport du comité (HTML, français)',
    download_report_note: 'une page autonome, imprimable en A4',
    variant_toml_summary: 'Voir le TOML de la variante',
    demand_held:
        'Enveloppes modifiées : les dossiers attendus de chaque région restent ceux du scénario (la variante les écrit), pour que la même demande rencontre les nouvelles enveloppes.',
    compare_heading: 'Comparaison avec le scénario de départ',
    compare_intro:
        'Le scénario de départ est simulé tel quel, avec les mêmes graine et nombre d\'années que la variante, puis les deux simulations sont comparées année par année.',
    baseline_button: 'Comparer au scénario de départ',
    baseline_other_scenario:
        'Le scénario chargé n\'est plus celui de cette simulation : relancer la variante pour la comparer.',
    baseline_reused: 'Simulation du scénario de départ déjà faite (n° {run}) : réutilisée.',
    compare_paired:
        'Comparaison appariée ({reason}) : chaque année simulée de la variante est rapprochée de la même année du scénario de départ, ce qui annule l\'essentiel du bruit.',
    compare_unpaired:
        'Comparaison non appariée ({reason}) : les deux simulations sont traitées comme des échantillons indépendants.',
    compare_reasons: {
      same: 'même graine ({seed}) et même nombre de réplications ({replications})',
      seeds: 'graines différentes ({a} et {b})',
      counts: 'nombres de réplications différents ({a} et {b})',
    },
    compare_test:
        'Test : {statistic}, bilatéral, avec la correction de {correction} sur {tests} tests (risque global {level}). ✱ : écart significatif, c\'est-à-dire plus grand que ce que le hasard de la simulation explique, ce qui ne dit pas s\'il compte. Écart : variante − départ ; e. t. : erreur type.',
    statistics:
        {'paired Student t': 't de Student apparié', 'Welch t': 't de Welch', 'Student t': 't de Student'},
    national_columns: ['Niveau national', 'Départ', 'Variante', 'Écart', 'e. t.', '✱'],
    national_rows: {
      p_additional_needed: 'Probabilité qu\'un complément soit nécessaire',
      unmet_eur: 'Demande non satisfaite attendue, national',
      additional_needed_eur: 'Complément nécessaire, moyenne',
    },
    compare_groups: ['P(épuisement)', 'Demande non satisfaite attendue'],
    compare_columns: ['Région', 'Départ', 'Variante', 'Écart', 'e. t.', '✱', 'Écart', 'e. t.', '✱'],
    significant: 'significatif',
    not_significant: 'non significatif',
    identical: 'identique dans les deux simulations',
    no_test:
        'pas de test : une simulation sans erreur type (une seule réplication, ou un seul tirage a priori)',
    p_value: 'p = {p}',
    footer:
        'Chaque chiffre est une estimation de Monte-Carlo. Les fichiers de la session sont effacés à la fermeture de la page.',
    err_network: 'Le serveur ne répond pas ({error}). Est-il toujours lancé ?',
    err_session: 'Session expirée : recharger la page.',
    reload: 'Recharger la page',
    err_upload_network: 'L\'envoi a été refusé : les fichiers dépassent la limite de {kib} Kio.',
    err_unknown_field: '{key} : {message}',
    general_title: 'À corriger',
    warnings_title: 'À vérifier (la simulation peut tourner) :',
    actuals_heading: 'Prévoir à partir des réalisations',
    actuals_label:
        'Réalisations : les dossiers déjà déposés (CSV, docs/actuals-format.md). La simulation part de leur registre et en apprend le recours.',
    actuals_loaded: 'Réalisations «' + NBSP + '{file}' + NBSP + '» ({rows}), complètes jusqu\'au {date}',
    actuals_rows: (n) => formatCount(n, 'fr') + (n > 1 ? ' lignes' : ' ligne'),
    actuals_remove: 'Retirer',
    actuals_remove_label: 'Retirer les réalisations «' + NBSP + '{file}' + NBSP + '»',
    as_of_label: 'Date de coupure (premier jour simulé)',
    as_of_help:
        'Les dossiers déposés avant cette date viennent des réalisations, la suite est simulée ; une date à l\'intérieur de leur dernier mois le lit comme un mois en cours, arrêté la veille.',
    as_of_needed:
        'Réalisations chargées : choisir la date de coupure (premier jour simulé) pour lancer la simulation, ou retirer les réalisations.',
    context_actuals: 'réalisations «' + NBSP + '{file}' + NBSP + '», date de coupure {date}',
    context_through: ', chiffres complets jusqu\'au {date}',
    through_label: 'Chiffres complets jusqu\'au (facultatif)',
    through_help:
        'Si le dernier mois des réalisations s\'arrête avant sa fin (un état mensuel arrêté au 15), le jour où il s\'arrête : une date de coupure plus tardive est alors refusée, car elle compterait les jours suivants comme des jours sans dossiers.',
    actuals_report_heading: 'Ce que les réalisations ont appris',
    actuals_report_note: 'Tel que fnesim run l\'écrit (en anglais), à partir de «' + NBSP + '{file}' + NBSP +
        '» et de la date de coupure {date} : le recours appris, a priori contre a posteriori, et si les mois observés tombent dans ce que le scénario attendait.',
    compare_actuals_note:
        'Le scénario de départ part des mêmes réalisations, avec la même date de coupure ({date}) : la comparaison reste appariée.',
    baseline_other_actuals:
        'Les réalisations chargées ne sont plus celles de cette simulation : relancer la variante pour la comparer.',
    download_actuals: 'Réalisations (CSV)',
    download_actuals_note: 'les réalisations envoyées, d\'où la simulation est partie',
    run_command_caption: 'La même simulation en ligne de commande, avec les fichiers téléchargés :',
    spread_heading: 'D\'où vient l\'incertitude de la demande',
    spread_sd: 'Demande nationale en fin d\'année : écart type {sd}.',
    spread_assumptions_first:
        'Son incertitude vient des hypothèses tirées ({assumptions}) plus que du hasard des dossiers ({dossiers})',
    spread_dossiers_first:
        'Son incertitude vient du hasard des dossiers ({dossiers}) plus que des hypothèses tirées ({assumptions})',
    spread_alone: ' ; à elles seules :',
    spread_jumps:
        'Probabilité qu\'un complément soit nécessaire si les règles {kept} (aucun saut du recours, {share} des années simulées) : {without} ; si elles changent au moins une fois : {with}.',
    spread_kept_from: 'ne changent plus à partir de {month}',
    spread_kept_year: 'ne changent pas de l\'année',
    spread_end: '.',
    spread_legend: ['hypothèses tirées', 'hasard des dossiers'],
    spread_bars_note:
        'Part de la variance de la demande que chaque hypothèse explique à elle seule (r²) ; ces parts se recouvrent et ne s\'additionnent pas.',
    spread_names: {
      uptake: 'niveau de recours',
      timing: 'calendrier (part de l\'année restant à venir)',
      drift: 'dérive et sauts du recours',
      learnt_costs: 'coûts et stagiaires par dossier après les réalisations (appris ou gardés)',
    },
  },
  en: {
    page_title: 'fnesim — FNE-Formation 2021 simulation workbench',
    title: 'FNE-Formation 2021 — envelope consumption forecast',
    subtitle: 'Simulation workbench: change the assumptions, simulate, compare with the parent scenario',
    skip: 'Skip to the form',
    lang_switch: 'Français',
    lang_switch_label: 'Afficher la page en français',
    lang_switch_lang: 'fr',
    limits: (l) =>
        ['Server limits: at most ', ['max_replications', l.max_replications],
         ' simulated years per run · uploads of at most ', ['max_upload_bytes', l.max_upload_bytes],
         ' · at most ', ['max_queued_runs', l.max_queued_runs],
         plural(l.max_queued_runs, ' run', ' runs') + ' waiting, ', ['concurrent_runs', l.concurrent_runs],
         ' at a time · session closed after ', ['session_idle_minutes', l.session_idle_minutes],
         ' min without activity'],
    bytes: (n) => bytesText(n, 'MiB', 'KiB', 'bytes', 'en'),
    scenario_heading: 'Scenario',
    builtin_label: 'Built-in scenario',
    upload_label: 'Or upload a TOML file (the first is the scenario, the others the files it extends)',
    uploaded_option: 'Uploaded file: {name}',
    loaded: 'Scenario “{name}” ({parent})',
    loading: 'Loading…',
    reset_all: 'Reset all',
    placeholder:
        'The results will appear here: key figures, exhaustion by region, the report\'s charts and the comparison with the parent scenario.',
    changed_none: 'No assumption changed',
    changed_some: (n) => n + (n > 1 ? ' assumptions changed' : ' assumption changed'),
    modified: 'changed',
    reset_field: 'Back to the scenario\'s value: {value}',
    groups: {
      envelopes: 'Regional envelopes',
      demand: 'Demand',
      profile: 'Monthly filing calendar',
      policy: 'Exhaustion policy',
      steering: 'Steering',
      events: 'Events',
      uncertainty: 'Uncertainty',
    },
    units: {eur: '€', days: 'days', share: '', count: ''},
    policies: {
      stop: 'the region refuses every later dossier',
      fill: 'the region keeps committing the dossiers that still fit',
      overcommit: 'the region commits beyond its available amount, up to the margin',
    },
    profile_help: 'Drag the bars with the mouse, or type the shares below.',
    profile_sum: 'Sum of the shares: {sum} (fnesim rescales them to 1)',
    profile_chart_label: 'Share of the dossiers filed each month: {values}',
    run_heading: 'Simulation',
    replications_label: 'Simulated years (replications)',
    seed_label: 'Seed',
    run_button: 'Run the simulation',
    cancel_button: 'Cancel',
    replications_error: 'a whole number between 1 and {max}',
    seed_error: 'a whole number, zero or more (at most {max})',
    run_blocked: 'Correct the assumptions marked in red to run the simulation.',
    kind_variant: 'Variant',
    kind_baseline: 'Parent scenario',
    state_starting: 'Sending…',
    state_queued: 'Waiting ({n} ahead)',
    state_running: 'Simulating {done} / {target}',
    state_charts: 'Charts…',
    state_done: 'Done in {seconds}' + NBSP + 's',
    state_failed: 'Failed',
    run_failed: 'The simulation failed. fnesim says:',
    run_failed_actuals: 'The simulation from the actuals (cut-off {date}) failed. fnesim says:',
    state_cancelled: 'Cancelled',
    headline: 'At a glance',
    context: 'Variant of “{scenario}” · {replications} simulated years · seed {seed} · {changed}',
    context_changed: '{count}: {names}',
    fig_p_additional_needed: 'Probability that an additional allocation is needed',
    fig_additional_q90: 'Additional allocation enough 9 years out of 10',
    fig_demand: 'Year-end national demand, median',
    fig_demand_range: ['9 years out of 10 between ', ' and ', ''],
    fig_committed: 'Expected national commitments',
    fig_committed_sub: ['against ', ' available'],
    fig_unmet: 'Expected unmet demand, national',
    exhaustion_heading: 'Exhaustion of the regional envelopes',
    exhaustion_note:
        'Commitments end on {deadline}. Median date: “{never}” when the region is exhausted in fewer than half of the simulated years. Coloured: the regions whose probability of exhaustion exceeds 20% (orange) or 50% (red).',
    never_short: 'not exhausted',
    national_past:
        'Which region committed the national months\' {committed} is drawn anew in each simulated year{other}; the expected commitments include its part. A region\'s part varies by about ±{typical} (half its 90% range, about its mean), from {low} to {high}{by_region}.',
    national_past_other: ' (the actuals\' other {other}, as the carry-over, are the same in every year)',
    national_past_by_region: ' by region',
    exhaustion_columns: [
      'Region', 'Envelope', 'P(exhausted)', 'Median exhaustion date', 'Expected commitments',
      'Expected unmet demand'
    ],
    charts_heading: 'Report charts',
    chart_titles: {
      fan_national: 'Cumulative commitments, national',
      fan_regions: 'Cumulative commitments, by region',
      p_exhausted: 'Probability of exhaustion, month by month',
      additional_needed: 'Additional allocation needed',
    },
    chart_captions: {
      fan_national:
          'Each band holds 10% of the simulated years: the darkest one surrounds the median (solid line), the lightest reach the 10% and 90% deciles. Dashed: the available amount; dotted: end of commitments ({deadline}). Commitments are gross: amounts released by drop-outs may be committed again, so the total can exceed the available amount.',
      fan_regions: 'Same reading, each region with its own available amount (scales differ).',
      p_exhausted:
          'Share of the simulated years in which the region had refused a first dossier by the end of the month.',
      additional_needed:
          'Probability that an additional allocation of a given amount is enough, the regions pooled (released amounts counted). Probability that one is needed: {p}.',
    },
    downloads_heading: 'Downloads',
    download_toml: 'The variant\'s TOML',
    download_toml_note: 'the variant\'s TOML, which extends its parent and states only what changed',
    download_run: 'Run file (HDF5)',
    download_run_note: 'for fnesim report, compare, inspect…',
    download_csv: 'Regional table (CSV)',
    download_csv_note: 'opens in a spreadsheet',
    download_report: 'Committee report (HTML, English)',
    download_report_note: 'a self-contained page that prints on A4',
    variant_toml_summary: 'Show the variant\'s TOML',
    demand_held:
        'Envelopes moved: each region\'s expected dossiers are held at the scenario\'s (the variant states them), so that the same demand meets the new envelopes.',
    compare_heading: 'Comparison with the parent scenario',
    compare_intro:
        'The parent scenario is simulated unchanged, with the variant\'s seed and number of years, and the two runs are compared year by year.',
    baseline_button: 'Compare with the parent scenario',
    baseline_other_scenario:
        'The scenario loaded is no longer this run\'s: run the variant again to compare it.',
    baseline_reused: 'The parent scenario was already simulated (run {run}): reused.',
    compare_paired:
        'Paired comparison ({reason}): each simulated year of the variant is set against the same year of the parent scenario, which cancels most of the noise.',
    compare_unpaired: 'Unpaired comparison ({reason}): the two runs are treated as independent samples.',
    compare_reasons: {
      same: 'same seed ({seed}) and replication count ({replications})',
      seeds: 'different seeds ({a} and {b})',
      counts: 'different replication counts ({a} and {b})',
    },
    compare_test:
        'Test: {statistic}, two-sided, with {correction}\'s correction over {tests} tests (family-wise level {level}). ✱: a significant difference, larger than the simulation\'s randomness explains, which says nothing of whether it matters. Difference: variant − parent; s.e.: standard error.',
    statistics: {'paired Student t': 'paired Student t', 'Welch t': 'Welch t', 'Student t': 'Student t'},
    national_columns: ['National', 'Parent', 'Variant', 'Difference', 's.e.', '✱'],
    national_rows: {
      p_additional_needed: 'Probability that an additional allocation is needed',
      unmet_eur: 'Expected unmet demand, national',
      additional_needed_eur: 'Additional allocation needed, mean',
    },
    compare_groups: ['P(exhausted)', 'Expected unmet demand'],
    compare_columns: ['Region', 'Parent', 'Variant', 'Difference', 's.e.', '✱', 'Difference', 's.e.', '✱'],
    significant: 'significant',
    not_significant: 'not significant',
    identical: 'the same in both runs',
    no_test: 'no test: a run without a standard error (one replication, or a single prior draw)',
    p_value: 'p = {p}',
    footer: 'Every figure is a Monte-Carlo estimate. The session\'s files are removed when the page closes.',
    err_network: 'The server does not answer ({error}). Is it still running?',
    err_session: 'Session expired: reload the page.',
    reload: 'Reload the page',
    err_upload_network: 'The upload was refused: the files exceed the limit of {kib} KiB.',
    err_unknown_field: '{key}: {message}',
    general_title: 'To correct',
    warnings_title: 'To check (the simulation can run):',
    actuals_heading: 'Forecast from actuals',
    actuals_label:
        'Actuals: the dossiers already filed (CSV, docs/actuals-format.md). The simulation starts from their ledger and learns the uptake from them.',
    actuals_loaded: 'Actuals “{file}” ({rows}), complete through {date}',
    actuals_rows: (n) => formatCount(n, 'en') + (n > 1 ? ' rows' : ' row'),
    actuals_remove: 'Remove',
    actuals_remove_label: 'Remove the actuals “{file}”',
    as_of_label: 'Cut-off (the first day simulated)',
    as_of_help:
        'Dossiers filed before this date come from the actuals, the rest is simulated; a date inside their last month reads that month as month to date, up to the day before.',
    as_of_needed:
        'Actuals loaded: choose the cut-off (the first day simulated) to run the simulation, or remove the actuals.',
    context_actuals: 'actuals “{file}”, cut-off {date}',
    context_through: ', figures complete through {date}',
    through_label: 'Figures complete through (optional)',
    through_help:
        'If the actuals\' last month stops before its end (a monthly statement drawn up on the 15th), the day it stops: a later cut-off is then refused, as it would count the days after as days without dossiers.',
    actuals_report_heading: 'What the actuals taught',
    actuals_report_note:
        'As fnesim run prints it, from “{file}” and the cut-off {date}: the uptake learnt, prior against posterior, and whether the observed months fall within what the scenario expected.',
    compare_actuals_note:
        'The parent scenario starts from the same actuals, with the same cut-off ({date}): the comparison stays paired.',
    baseline_other_actuals:
        'The actuals loaded are no longer this run\'s: run the variant again to compare it.',
    download_actuals: 'Actuals (CSV)',
    download_actuals_note: 'the actuals uploaded, which the simulation started from',
    run_command_caption: 'The same simulation from the command line, with the downloaded files:',
    spread_heading: 'Where the uncertainty of demand comes from',
    spread_sd: 'Year-end national demand: standard deviation {sd}.',
    spread_assumptions_first:
        'Its uncertainty comes from the assumptions drawn ({assumptions}) more than from the dossiers\' own randomness ({dossiers})',
    spread_dossiers_first:
        'Its uncertainty comes from the dossiers\' own randomness ({dossiers}) more than from the assumptions drawn ({assumptions})',
    spread_alone: '; alone:',
    spread_jumps:
        'Probability that an additional allocation is needed if the rules {kept} (no jump of uptake, {share} of simulated years): {without}; if they change at least once: {with}.',
    spread_kept_from: 'do not change again from {month}',
    spread_kept_year: 'do not change during the year',
    spread_end: '.',
    spread_legend: ['assumptions drawn', 'dossiers\' own randomness'],
    spread_bars_note:
        'Share of the demand\'s variance each assumption explains alone (r²); the shares overlap and need not add up.',
    spread_names: {
      uptake: 'uptake level',
      timing: 'timing (share of the year still to come)',
      drift: 'drift and jumps of uptake',
      learnt_costs: 'costs and trainees per dossier after the actuals (learnt or kept)',
    },
  },
};

const CORRECTIONS = {holm: 'Holm', bonferroni: 'Bonferroni'};
const VALIDATE_DELAY_MS = 300;
const POLL_MS = 300;
const ACTIVE_STATES = ['queued', 'running', 'charts'];
const TERMINAL_STATES = ['done', 'failed', 'cancelled'];

function plural(n, one, many) {
  return n > 1 ? many : one;
}

function bytesText(n, mib, kib, bytes, lang) {
  if (!isNumber(n)) return '—';
  if (n >= 1048576 && n % 1048576 === 0) return formatCount(n / 1048576, lang) + NBSP + mib;
  if (n >= 1024 && n % 1024 === 0) return formatCount(n / 1024, lang) + NBSP + kib;
  return formatCount(n, lang) + NBSP + bytes;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// ---------------------------------------------------------------------------
// State.

const S = {
  lang: 'fr',
  info: null,
  sid: null,
  expired: false,
  form: null,   // the scenario's answer: parent, name, description, run, groups
  loadKey: '',  // which scenario the form is of: "builtin:NAME" or "upload:N:FILE"
  uploads: 0,
  uploadedName: '',
  fields: [],         // {key, kind, unit, label, options, parent, group, elements…}
  values: {},         // key -> text, or twelve texts for the profile
  fieldMessages: {},  // key -> [message]
  validation: {state: 'idle', general: [], changed: [], toml: '', warnings: null, fieldWarnings: null},
  formWarnings: [],       // the loaded scenario's warnings (likely slips that still run)
  formFieldWarnings: {},  // those of them at a field: key -> [message]
  validateSeq: 0,
  validateTimer: 0,
  serverMessages: [],  // what the last request refused, a list of lines
  active: null,        // the run in progress: {rid, baseline, status, key, ...}
  lastRunState: null,  // {status, baseline}: what #run-state shows
  result: null,        // the variant run shown: {rid, status, loadKey, scenario, labels}
  baselines: {},       // baseline key -> run id of a done baseline
  compare: null,       // {json, baseline, variant}
  baselineNote: '',
  actuals: null,  // the session's actuals: {file, last_day, rows, warnings, key}, or null
  actualsUploads: 0,
};

const $ = (id) => document.getElementById(id);

function t() {
  return TEXT[S.lang];
}

function el(tag, attributes, children) {
  const node = document.createElement(tag);
  if (attributes) {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = value;
      else if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  if (children) for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// The SVG namespace, as the HTML parser gives it (no URL spelled in the page's files).
const SVG_NS = (() => {
  const holder = document.createElement('div');
  holder.innerHTML = '<svg></svg>';
  return holder.firstChild.namespaceURI;
})();
function svgEl(tag, attributes) {
  const node = document.createElementNS(SVG_NS, tag);
  if (attributes) for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, String(value));
  }
  return node;
}

// ---------------------------------------------------------------------------
// HTTP: never throws for an HTTP status (the caller reads it); throws on a
// network failure only.

async function api(method, path, body) {
  const options = {method, headers: {}, cache: 'no-store'};
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = {};
  const type = response.headers.get('Content-Type') || '';
  if (type.indexOf('json') >= 0) {
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
  } else {
    try {
      const text = await response.text();
      if (text && response.status >= 400) data = {error: text.trim()};
    } catch (error) {
      data = {};
    }
  }
  if (data === null || typeof data !== 'object') data = {};
  // "this session has ended: reload the page" (not "no run 7 in this session").
  if (response.status === 404 && typeof data.error === 'string' && /reload|expired|has ended/i.test(data.error) &&
      path.indexOf('/api/s/') === 0) {
    sessionExpired(data.error);
  }
  return {status: response.status, data};
}

function errorText(answer) {
  if (answer.data && typeof answer.data.error === 'string' && answer.data.error) return answer.data.error;
  return 'HTTP ' + answer.status;
}

function networkError(error) {
  setServerMessages([fill(t().err_network, {error: error && error.message ? error.message : String(error)})]);
}

function sessionPath(rest) {
  return '/api/s/' + S.sid + rest;
}

function sessionExpired(message) {
  if (S.expired) return;
  S.expired = true;
  stopRun();
  setServerMessages([message || t().err_session], true);
  updateControls();
}

// ---------------------------------------------------------------------------
// Typed numbers, as the server reads them (cli/workbench/form.cpp's
// typed_number): spaces, underscores and no-break spaces ignored, one comma a
// decimal mark, one mark before three final digits refused as ambiguous.

function typedNumber(text) {
  let s = String(text).replace(/[ _\t\u00a0\u202f]/g, '');
  // "9,500", "1.500": a decimal mark in French, thousands in English; not guessed.
  if (/^[+-]?[1-9]\d{0,2}[.,]\d{3}$/.test(s)) return null;
  if (s.indexOf('.') < 0 && (s.match(/,/g) || []).length === 1) s = s.replace(',', '.');
  if (s.startsWith('+')) s = s.slice(1);
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const value = Number(s);
  return isFinite(value) ? value : null;
}

function sameValue(a, b) {
  const x = typedNumber(a), y = typedNumber(b);
  if (x !== null && y !== null) return x === y;
  return String(a).trim() === String(b).trim();
}

function isModified(field) {
  const value = S.values[field.key];
  if (field.kind === 'profile') {
    if (value.length !== field.parent.length) return true;
    return value.some((v, i) => !sameValue(v, field.parent[i]));
  }
  return field.kind === 'choice' ? value !== field.parent : !sameValue(value, field.parent);
}

// ---------------------------------------------------------------------------
// Header and static words.

function applyLanguage() {
  const words = t();
  document.documentElement.lang = S.lang;
  document.title = words.page_title;
  for (const node of document.querySelectorAll('[data-i18n]')) {
    const value = words[node.getAttribute('data-i18n')];
    if (typeof value === 'string') node.textContent = value;
  }
  const button = $('lang-switch');
  button.textContent = words.lang_switch;
  button.setAttribute('aria-label', words.lang_switch_label);
  button.setAttribute('lang', words.lang_switch_lang);
  renderLimits();
  renderScenarioPicker();
  renderActuals();
  renderFormLabels();
  renderRunInputsMessages();
  renderRunState();
  renderGeneral();
  renderResults();
  renderCompare();
  updateControls();
}

function renderLimits() {
  const line = $('limits');
  line.textContent = '';
  if (!S.info || !S.info.limits) return;
  const l = S.info.limits;
  for (const part of t().limits(l)) {
    if (typeof part === 'string') {
      line.append(part);
    } else {
      const [name, value] = part;
      const text = name === 'max_upload_bytes' ? t().bytes(value) : (isNumber(value) ? formatCount(value, S.lang) : '—');
      line.append(el('span', {'data-limit': name, 'data-value': value, text}));
    }
  }
}

// ---------------------------------------------------------------------------
// Scenario picker.

function renderScenarioPicker() {
  const select = $('scenario-select');
  const uploaded = select.querySelector('option[value=""]');
  if (uploaded) uploaded.textContent = fill(t().uploaded_option, {name: S.uploadedName});
  const description = $('scenario-description');
  description.textContent = '';
  if (S.form) {
    description.append(el('strong', {text: fill(t().loaded, {name: S.form.name, parent: S.form.parent})}));
    if (S.form.description) description.append(el('br'), S.form.description);
  }
}

function fillBuiltins() {
  const select = $('scenario-select');
  select.textContent = '';
  for (const builtin of S.info.builtins || []) {
    select.append(el('option', {value: builtin.name, title: builtin.description || null, text: builtin.name}));
  }
  select.value = S.info.default;
}

async function loadBuiltin(name) {
  if (!S.sid) return;
  let answer;
  try {
    answer = await api('POST', sessionPath('/scenario'), {builtin: name});
  } catch (error) {
    networkError(error);
    restorePickerSelection();
    return;
  }
  if (answer.status === 200) {
    installForm(answer.data, 'builtin:' + name);
    removeUploadedOption();
    $('scenario-select').value = name;
  } else {
    setServerMessages(diagnosticLines(answer));
    restorePickerSelection();
  }
}

function diagnosticLines(answer) {
  const diagnostics = answer.data && Array.isArray(answer.data.diagnostics) ? answer.data.diagnostics : [];
  const lines = diagnostics.map((d) => d.text || d.message).filter(Boolean);
  return lines.length ? lines : [errorText(answer)];
}

function restorePickerSelection() {
  const select = $('scenario-select');
  if (S.loadKey.startsWith('builtin:')) select.value = S.loadKey.slice('builtin:'.length);
  else if (S.loadKey.startsWith('upload:')) select.value = '';
}

function removeUploadedOption() {
  const option = $('scenario-select').querySelector('option[value=""]');
  if (option) option.remove();
}

// The uploaded files, the scenario first: the one no other file extends.
async function orderUploads(files) {
  const named = [];
  for (const file of files) {
    let text = '';
    try {
      text = await file.text();
    } catch (error) {
      text = '';
    }
    const extended = [];
    const match = /^\s*extends\s*=\s*(.+)$/m.exec(text);
    if (match) for (const quoted of match[1].matchAll(/"([^"]*)"|'([^']*)'/g)) {
      const path = quoted[1] !== undefined ? quoted[1] : quoted[2];
      extended.push(path.split('/').pop());
    }
    named.push({file, extended});
  }
  const referenced = new Set();
  for (const n of named) for (const name of n.extended) referenced.add(name);
  const first = named.findIndex((n) => !referenced.has(n.file.name));
  if (first > 0) named.unshift(named.splice(first, 1)[0]);
  return named.map((n) => n.file);
}

async function upload(fileList) {
  if (!S.sid || !fileList || fileList.length === 0) return;
  const files = await orderUploads(Array.from(fileList));
  const body = new FormData();
  for (const file of files) body.append('files', file, file.name);
  let answer;
  try {
    answer = await api('POST', sessionPath('/scenario'), body);
  } catch (error) {
    const total = files.reduce((sum, f) => sum + f.size, 0);
    const limit = S.info && S.info.limits ? S.info.limits.max_upload_bytes : null;
    if (isNumber(limit) && total > limit) setServerMessages([fill(t().err_upload_network, {kib: Math.floor(limit / 1024)})]);
    else networkError(error);
    return;
  } finally {
    $('upload-input').value = '';
  }
  if (answer.status === 200) {
    S.uploads += 1;
    S.uploadedName = files[0].name;
    installForm(answer.data, 'upload:' + S.uploads + ':' + files[0].name);
    const select = $('scenario-select');
    let option = select.querySelector('option[value=""]');
    if (!option) {
      option = el('option', {value: ''});
      select.prepend(option);
    }
    option.textContent = fill(t().uploaded_option, {name: S.uploadedName});
    select.value = '';
  } else if (answer.status === 400) {
    setServerMessages(diagnosticLines(answer));
  } else {
    setServerMessages([errorText(answer)]);
  }
}

// ---------------------------------------------------------------------------
// Actuals: the dossiers already filed, a forecast from a cut-off. The server
// keeps them for the session, whichever scenario is loaded after them.

function isIsoDate(text) {
  return /^\d{4}-\d{2}-\d{2}$/.test(String(text || ''));
}

// The cut-off the runs send: the date typed, once actuals are loaded.
function asOfValue() {
  if (!S.actuals) return '';
  const value = $('as-of').value;
  return isIsoDate(value) ? value : '';
}

// The day the actuals' last month stops, when the planner says it (run --through).
function throughValue() {
  if (!S.actuals || !asOfValue()) return '';
  const value = $('through').value;
  return isIsoDate(value) ? value : '';
}

function asOfMissing() {
  return !!S.actuals && !asOfValue();
}

function renderActuals() {
  const words = t();
  const loaded = $('actuals-loaded');
  const actuals = S.actuals;
  loaded.hidden = !actuals;
  const asOf = $('as-of');
  if (!actuals) {
    $('actuals-file').textContent = '';
    asOf.required = false;
    asOf.removeAttribute('aria-invalid');
    return;
  }
  $('actuals-file').textContent = fill(words.actuals_loaded, {
    file: actuals.file,
    rows: isNumber(actuals.rows) ? words.actuals_rows(actuals.rows) : '?',
    date: isIsoDate(actuals.last_day) ? formatDate(parseIsoDate(actuals.last_day), S.lang) : '?',
  });
  const remove = $('actuals-remove');
  remove.setAttribute('aria-label', fill(words.actuals_remove_label, {file: actuals.file}));
  remove.title = remove.getAttribute('aria-label');
  asOf.required = true;
  // The day the figures stop lies in their last month.
  const through = $('through');
  through.min = isIsoDate(actuals.last_day) ? actuals.last_day.slice(0, 8) + '01' : '';
  through.max = isIsoDate(actuals.last_day) ? actuals.last_day : '';
  if (asOfMissing()) asOf.setAttribute('aria-invalid', 'true');
  else asOf.removeAttribute('aria-invalid');
}

async function uploadActuals(fileList) {
  if (!S.sid || !fileList || fileList.length === 0) return;
  const file = fileList[0];
  const body = new FormData();
  body.append('actuals', file, file.name);
  let answer;
  try {
    answer = await api('POST', sessionPath('/actuals'), body);
  } catch (error) {
    const limit = S.info && S.info.limits ? S.info.limits.max_upload_bytes : null;
    if (isNumber(limit) && file.size > limit) setServerMessages([fill(t().err_upload_network, {kib: Math.floor(limit / 1024)})]);
    else networkError(error);
    return;
  } finally {
    $('actuals-input').value = '';
  }
  if (answer.status === 200) {
    S.actualsUploads += 1;
    const data = answer.data || {};
    const name = typeof data.file === 'string' && data.file ? data.file : file.name;
    const warnings = Array.isArray(data.warnings) ? data.warnings.map(String) : [];
    S.actuals =
        {file: name, last_day: data.last_day, rows: data.rows, warnings, key: S.actualsUploads + ':' + name};
    $('through').value = '';  // another file's day
    if (S.serverMessages.length) setServerMessages([]);
    renderActuals();
    renderWarnings();
    updateControls();
    if (!asOfValue()) $('as-of').focus();
  } else if (answer.status === 400) {
    setServerMessages(diagnosticLines(answer));  // the server keeps the actuals it had
  } else {
    setServerMessages([errorText(answer)]);
  }
}

async function removeActuals() {
  if (!S.sid || !S.actuals) return;
  let answer;
  try {
    answer = await api('DELETE', sessionPath('/actuals'));
  } catch (error) {
    networkError(error);
    return;
  }
  if (answer.status === 204 || answer.status === 200) {
    S.actuals = null;
    $('as-of').value = '';
    $('through').value = '';
    renderActuals();
    renderWarnings();
    updateControls();
    $('actuals-input').focus();
  } else {
    setServerMessages([errorText(answer)]);
  }
}

// ---------------------------------------------------------------------------
// The form, generated from the server's fields.

let fieldCounter = 0;

function installForm(form, loadKey) {
  S.form = form;
  S.loadKey = loadKey;
  S.fields = [];
  S.values = {};
  S.fieldMessages = {};
  S.validation = {state: 'ok', general: [], changed: [], toml: '', warnings: null, fieldWarnings: null};
  S.formWarnings = Array.isArray(form.warnings) ? form.warnings.map(String) : [];
  S.formFieldWarnings = messagesByField(form.field_warnings);
  S.validateSeq += 1;
  clearTimeout(S.validateTimer);
  S.serverMessages = [];
  const formElement = $('scenario-form');
  formElement.textContent = '';
  let profiles = 0;
  for (const group of form.groups || []) {
    if (!group.fields || group.fields.length === 0) continue;
    const legend = el('legend');
    const fieldset = el('fieldset', {class: 'group', 'data-group': group.id}, [legend]);
    const groupEntry = {id: group.id, legend};
    for (const source of group.fields) {
      const field = {
        key: source.key, kind: source.kind, unit: source.unit || '', label: source.label || {fr: source.key, en: source.key},
        options: source.options || [], group: groupEntry, id: 'field-' + (++fieldCounter),
      };
      if (field.kind === 'profile') {
        field.parent = Array.isArray(source.value) ? source.value.map(String) : [];
        S.values[field.key] = field.parent.slice();
        field.chartId = profiles === 0 ? 'profile-chart' : 'profile-chart-' + (profiles + 1);
        profiles += 1;
      } else {
        field.parent = Array.isArray(source.value) ? String(source.value[0]) : String(source.value);
        S.values[field.key] = field.parent;
      }
      S.fields.push(field);
      fieldset.append(buildField(field));
    }
    formElement.append(fieldset);
  }
  if (form.run) {
    if (isNumber(form.run.replications)) $('replications').value = String(form.run.replications);
    if (isNumber(form.run.seed)) $('seed').value = String(form.run.seed);
  }
  renderScenarioPicker();
  renderFormLabels();
  for (const field of S.fields) updateFieldDecor(field);
  renderMessages();
  renderRunInputsMessages();
  renderGeneral();
  renderCompare();
  updateControls();
}

function buildField(field) {
  const messageId = field.id + '-message';
  const container = el('div', {class: 'field field-' + field.kind, 'data-key': field.key});
  // The profile's twelve inputs have a label each (their month): its own is the group's.
  const label = field.kind === 'profile' ? el('span', {class: 'field-label', id: field.id + '-label', title: field.key})
    : el('label', {class: 'field-label', for: field.id, title: field.key});
  if (field.kind === 'profile') {
    container.setAttribute('role', 'group');
    container.setAttribute('aria-labelledby', field.id + '-label');
  }
  const badge = el('span', {class: 'modified-badge', 'aria-hidden': 'true'});
  const reset = el('button', {type: 'button', class: 'reset-field', text: '↺'});
  reset.addEventListener('click', () => resetField(field));
  const head = el('div', {class: 'field-head'}, [label, badge, reset]);
  container.append(head);
  const message = el('div', {class: 'field-message', 'data-key': field.key, id: messageId, 'aria-live': 'polite'});
  field.elements = {container, label, badge, reset, message};

  if (field.kind === 'profile') {
    const help = el('p', {class: 'profile-help'});
    const svg = svgEl('svg', {id: field.chartId, class: 'profile-chart', viewBox: '0 0 480 200', role: 'img',
      preserveAspectRatio: 'xMidYMid meet'});
    const grid = el('div', {class: 'profile-inputs'});
    const inputs = [];
    const monthLabels = [];
    for (let i = 0; i < 12; i++) {
      const id = field.id + '-' + i;
      const monthLabel = el('label', {for: id, class: 'profile-month'});
      const input = el('input', {type: 'text', inputmode: 'decimal', class: 'profile-input', id,
        'data-key': field.key, 'data-index': i, 'aria-describedby': messageId, spellcheck: 'false', autocomplete: 'off'});
      input.value = S.values[field.key][i] !== undefined ? S.values[field.key][i] : '';
      input.addEventListener('input', () => {
        S.values[field.key][i] = input.value;
        fieldChanged(field);
      });
      inputs.push(input);
      monthLabels.push(monthLabel);
      grid.append(el('div', {class: 'profile-cell'}, [monthLabel, input]));
    }
    const sum = el('p', {class: 'profile-sum'});
    Object.assign(field.elements, {help, svg, inputs, monthLabels, sum});
    container.append(help, svg, grid, sum, message);
    attachProfileDrag(field);
    return container;
  }

  let input;
  if (field.kind === 'choice') {
    input = el('select', {class: 'field-input', 'data-key': field.key, id: field.id, 'aria-describedby': messageId});
    const options = field.options.slice();
    if (options.indexOf(field.parent) < 0) options.unshift(field.parent);
    for (const option of options) input.append(el('option', {value: option, text: option}));
    input.value = S.values[field.key];
    input.addEventListener('change', () => {
      S.values[field.key] = input.value;
      fieldChanged(field);
    });
  } else {
    input = el('input', {type: 'text', class: 'field-input', 'data-key': field.key, id: field.id,
      inputmode: field.kind === 'integer' ? 'numeric' : 'decimal', spellcheck: 'false', autocomplete: 'off',
      'aria-describedby': messageId});
    input.value = S.values[field.key];
    input.addEventListener('input', () => {
      S.values[field.key] = input.value;
      fieldChanged(field);
    });
  }
  const unit = el('span', {class: 'field-unit', 'aria-hidden': 'true'});
  const hint = el('span', {class: 'field-hint', 'aria-live': 'off'});
  container.append(el('div', {class: 'field-control'}, [input, unit, hint]), message);
  Object.assign(field.elements, {input, unit, hint});
  return container;
}

function renderFormLabels() {
  const words = t();
  for (const field of S.fields) {
    const e = field.elements;
    field.group.legend.textContent = words.groups[field.group.id] || field.group.id;
    e.label.textContent = field.label[S.lang] || field.label.fr || field.key;
    e.badge.textContent = words.modified;
    if (field.kind === 'profile') {
      e.help.textContent = words.profile_help;
      e.monthLabels.forEach((label, i) => { label.textContent = MONTHS[S.lang][i]; });
    } else if (field.kind === 'choice') {
      for (const option of e.input.options) {
        const meaning = words.policies[option.value];
        option.textContent = meaning && field.key.endsWith('exhaustion_policy') ? option.value + ' — ' + meaning : option.value;
      }
    } else {
      e.unit.textContent = words.units[field.unit] || '';
    }
    updateFieldDecor(field);
  }
  renderChangedCount();
}

function parentText(field) {
  return field.kind === 'profile' ? field.parent.join(' · ') : field.parent;
}

function updateFieldDecor(field) {
  const e = field.elements;
  const modified = isModified(field);
  e.container.classList.toggle('modified', modified);
  e.reset.hidden = !modified;
  e.badge.hidden = !modified;
  const resetLabel = fill(t().reset_field, {value: parentText(field)});
  e.reset.setAttribute('aria-label', resetLabel);
  e.reset.title = resetLabel;
  if (field.kind === 'profile') {
    drawProfile(field);
    return;
  }
  if (field.kind === 'choice') return;
  const value = typedNumber(S.values[field.key]);
  let hint = '';
  if (value !== null) {
    if (field.unit === 'eur') hint = '= ' + formatMeur(value, S.lang);
    else if (field.unit === 'share') hint = '= ' + formatPercent(value, S.lang);
  }
  e.hint.textContent = hint;
}

function renderChangedCount() {
  const count = S.fields.filter(isModified).length;
  $('changed-count').textContent = S.form ? (count ? t().changed_some(count) : t().changed_none) : '';
  $('reset-all').disabled = count === 0;
}

function fieldChanged(field) {
  updateFieldDecor(field);
  renderChangedCount();
  scheduleValidate();
}

function resetField(field) {
  if (field.kind === 'profile') {
    S.values[field.key] = field.parent.slice();
    field.elements.inputs.forEach((input, i) => { input.value = field.parent[i]; });
  } else {
    S.values[field.key] = field.parent;
    field.elements.input.value = field.parent;
  }
  fieldChanged(field);
}

function resetAll() {
  for (const field of S.fields) {
    if (field.kind === 'profile') {
      S.values[field.key] = field.parent.slice();
      field.elements.inputs.forEach((input, i) => { input.value = field.parent[i]; });
    } else {
      S.values[field.key] = field.parent;
      field.elements.input.value = field.parent;
    }
    updateFieldDecor(field);
  }
  renderChangedCount();
  scheduleValidate();
}

// ---------------------------------------------------------------------------
// The monthly profile: twelve bars whose height follows the mouse.

const PROFILE = {left: 44, right: 472, top: 18, bottom: 172};

function profileScale(values) {
  const largest = Math.max(0, ...values.filter((v) => v !== null));
  return Math.max(0.05, Math.ceil((largest * 1.3) / 0.05) * 0.05);
}

function shareLabel(value) {
  const percent = pythonRound(100 * value, 1);
  return formatNumber(100 * value, Number.isInteger(percent) ? 0 : 1, S.lang) + (S.lang === 'fr' ? NNBSP + '%' : '%');
}

function drawProfile(field) {
  const e = field.elements;
  const svg = e.svg;
  const texts = S.values[field.key];
  const values = texts.map(typedNumber);
  const parents = field.parent.map(typedNumber);
  const scale = field.dragScale || profileScale(values.concat(parents));
  field.scale = scale;
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const height = PROFILE.bottom - PROFILE.top;
  const slot = (PROFILE.right - PROFILE.left) / 12;
  const y = (v) => PROFILE.bottom - (Math.min(Math.max(v, 0), scale) / scale) * height;
  for (const tick of [0, scale / 2, scale]) {
    svg.append(svgEl('line', {class: 'grid', x1: PROFILE.left, x2: PROFILE.right, y1: y(tick), y2: y(tick)}));
    svg.append(svgEl('text', {class: 'axis', x: PROFILE.left - 6, y: y(tick) + 4, 'text-anchor': 'end', text: shareLabel(tick)}));
  }
  for (let i = 0; i < 12; i++) {
    const x = PROFILE.left + i * slot;
    const value = values[i];
    const valid = value !== null;
    const changed = !sameValue(texts[i], field.parent[i]);
    const barHeight = valid ? PROFILE.bottom - y(value) : 0;
    const bar = svgEl('rect', {class: 'bar' + (changed ? ' bar-modified' : '') + (valid ? '' : ' bar-invalid'),
      x: x + slot * 0.15, y: PROFILE.bottom - barHeight, width: slot * 0.7, height: Math.max(barHeight, 0.5),
      'data-index': i});
    bar.append(svgEl('title', {text: MONTHS[S.lang][i] + (S.lang === 'fr' ? NBSP + ': ' : ': ') + (valid ? shareLabel(value) : texts[i])}));
    svg.append(bar);
    if (changed && parents[i] !== null) {
      svg.append(svgEl('line', {class: 'parent-mark', x1: x + slot * 0.1, x2: x + slot * 0.9, y1: y(parents[i]), y2: y(parents[i])}));
    }
    svg.append(svgEl('text', {class: 'value', x: x + slot / 2, y: (valid ? y(value) : PROFILE.bottom) - 4, 'text-anchor': 'middle',
      text: valid ? shareLabel(value) : '?'}));
    svg.append(svgEl('text', {class: 'month', x: x + slot / 2, y: PROFILE.bottom + 16, 'text-anchor': 'middle', text: MONTHS[S.lang][i]}));
  }
  svg.append(svgEl('line', {class: 'baseline', x1: PROFILE.left, x2: PROFILE.right, y1: PROFILE.bottom, y2: PROFILE.bottom}));
  svg.setAttribute('aria-label', fill(t().profile_chart_label, {
    values: values.map((v, i) => MONTHS[S.lang][i] + ' ' + (v === null ? texts[i] : shareLabel(v))).join(', '),
  }));
  const sum = values.every((v) => v !== null) ? values.reduce((a, b) => a + b, 0) : null;
  e.sum.textContent = sum === null ? '' : fill(t().profile_sum, {sum: formatNumber(sum, 3, S.lang)});
}

function shareText(value) {
  return String(Number(value.toFixed(3)));
}

function attachProfileDrag(field) {
  const svg = field.elements.svg;
  let dragging = false;
  const apply = (event) => {
    const matrix = svg.getScreenCTM();
    if (!matrix) return;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const slot = (PROFILE.right - PROFILE.left) / 12;
    const index = Math.min(11, Math.max(0, Math.floor((point.x - PROFILE.left) / slot)));
    const scale = field.dragScale;
    const share = Math.min(scale, Math.max(0, ((PROFILE.bottom - point.y) / (PROFILE.bottom - PROFILE.top)) * scale));
    const text = shareText(share);
    if (S.values[field.key][index] === text) return;
    S.values[field.key][index] = text;
    field.elements.inputs[index].value = text;
    fieldChanged(field);
  };
  svg.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    dragging = true;
    field.dragScale = field.scale || profileScale(S.values[field.key].map(typedNumber));
    svg.classList.add('dragging');
    try {
      svg.setPointerCapture(event.pointerId);
    } catch (error) {
      // a synthetic event has no pointer to capture
    }
    event.preventDefault();
    apply(event);
  });
  svg.addEventListener('pointermove', (event) => {
    if (dragging) apply(event);
  });
  const stop = () => {
    if (!dragging) return;
    dragging = false;
    field.dragScale = 0;
    svg.classList.remove('dragging');
    drawProfile(field);
  };
  svg.addEventListener('pointerup', stop);
  svg.addEventListener('pointercancel', stop);
  svg.addEventListener('lostpointercapture', stop);
}

// ---------------------------------------------------------------------------
// Validation as the planner types.

function currentValues() {
  const values = {};
  for (const field of S.fields) {
    const value = S.values[field.key];
    values[field.key] = Array.isArray(value) ? value.slice() : value;
  }
  return values;
}

function scheduleValidate() {
  clearTimeout(S.validateTimer);
  S.validation.state = 'pending';
  S.validateTimer = setTimeout(validateNow, VALIDATE_DELAY_MS);
}

async function validateNow() {
  clearTimeout(S.validateTimer);
  if (!S.sid || !S.form || S.expired) return;
  const seq = ++S.validateSeq;
  S.validation.state = 'pending';
  let answer;
  try {
    answer = await api('POST', sessionPath('/validate'), {values: currentValues()});
  } catch (error) {
    if (seq === S.validateSeq) {
      S.validation.state = 'idle';
      networkError(error);
      updateControls();
    }
    return;
  }
  if (seq !== S.validateSeq) return;
  if (answer.status === 200) {
    applyValidation(answer.data);
    if (S.serverMessages.length && !S.expired) setServerMessages([]);
  } else {
    S.validation.state = 'idle';
    setServerMessages([errorText(answer)]);
  }
  updateControls();
}

// A /validate answer, or a refused run's: the messages at their fields.
function applyValidation(data) {
  const known = new Set(S.fields.map((f) => f.key));
  const general = Array.isArray(data.general) ? data.general.slice() : [];
  const fields = {};
  if (data.fields && typeof data.fields === 'object') {
    for (const [key, messages] of Object.entries(data.fields)) {
      const list = Array.isArray(messages) ? messages : [String(messages)];
      if (known.has(key)) fields[key] = list;
      else for (const message of list) general.push(fill(t().err_unknown_field, {key, message}));
    }
  }
  S.fieldMessages = fields;
  S.validation = {
    state: data.ok ? 'ok' : 'error',
    general,
    changed: Array.isArray(data.changed) ? data.changed : [],
    toml: typeof data.variant_toml === 'string' ? data.variant_toml : '',
    warnings: Array.isArray(data.warnings) ? data.warnings.map(String) : [],
    fieldWarnings: messagesByField(data.field_warnings),
    demandHeld: data.demand_held === true,
    notes: Array.isArray(data.notes) ? data.notes.map(String) : [],
  };
  if (!data.ok && Object.keys(fields).length === 0 && general.length === 0 && data.error) general.push(data.error);
  renderMessages();
  renderGeneral();
}

// {"KEY": ["message", …]} from the server, whatever it sent.
function messagesByField(data) {
  const out = {};
  if (!data || typeof data !== 'object') return out;
  for (const [key, messages] of Object.entries(data))
    out[key] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
  return out;
}

// The warnings said at their fields, chosen as renderWarnings chooses the list.
function fieldWarnings() {
  const v = S.validation;
  if (v.state === 'error') return {};
  return v.fieldWarnings || S.formFieldWarnings || {};
}

function renderMessages() {
  const warnings = fieldWarnings();
  for (const field of S.fields) {
    const messages = S.fieldMessages[field.key] || [];
    const e = field.elements;
    e.message.textContent = '';
    for (const message of messages) e.message.append(el('div', {text: message}));
    // A likely slip at this field: said here too, so that it is corrected where it was typed.
    const slips = messages.length ? [] : warnings[field.key] || [];
    for (const slip of slips) e.message.append(el('div', {class: 'field-warning', text: slip}));
    e.container.classList.toggle('has-error', messages.length > 0);
    e.container.classList.toggle('has-warning', slips.length > 0);
    const inputs = field.kind === 'profile' ? e.inputs : [e.input];
    for (const input of inputs) {
      if (messages.length) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }
}

function setServerMessages(lines, withReload) {
  if (S.expired && !withReload) return;  // once the session is gone, that is all there is to say
  S.serverMessages = lines.slice();
  S.serverReload = !!withReload;
  renderGeneral();
}

// Likely slips of units that the server still runs (docs/scenario-format.md,
// "Warnings"): the loaded scenario's until the form is checked, then those of
// the variant checked — the parent's that still apply among them, none that
// the planner has corrected. An invalid variant lists its warnings among its
// errors, in the red box. The actuals' own follow (docs/actuals-format.md).
function renderWarnings() {
  const box = $('warning-messages');
  const v = S.validation;
  const scenarioLines = v.state === 'error' ? [] :
      Array.isArray(v.warnings)             ? v.warnings :
                                              (S.formWarnings || []);
  const lines = scenarioLines.concat(S.actuals ? S.actuals.warnings : []);
  box.textContent = '';
  box.hidden = lines.length === 0;
  if (!lines.length) return;
  box.append(el('p', {text: t().warnings_title}));
  const list = el('ul');
  for (const line of lines) list.append(el('li', {text: line}));
  box.append(list);
}

// What the variant states beside the keys the planner changed, and why: the
// regions' demand held when money moved (in the page's language), or why it
// could not be.
function renderNotes() {
  const box = $('variant-notes');
  const v = S.validation;
  const lines = v.state !== 'ok' ? [] : v.demandHeld ? [t().demand_held] : (v.notes || []);
  box.textContent = '';
  box.hidden = lines.length === 0;
  for (const line of lines) box.append(el('p', {text: line}));
}

function renderGeneral() {
  renderWarnings();
  renderNotes();
  const box = $('general-messages');
  const lines = (S.validation.general || []).concat(S.serverMessages);
  box.textContent = '';
  if (!lines.length && !S.serverReload) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  if (lines.length) {
    const list = el('ul');
    for (const line of lines) list.append(el('li', {text: line}));
    box.append(list);
  }
  if (S.serverReload) {
    const button = el('button', {type: 'button', class: 'secondary', text: t().reload});
    button.addEventListener('click', () => window.location.reload());
    box.append(button);
  }
}

// ---------------------------------------------------------------------------
// Runs.

function runInputs() {
  const max = S.info && S.info.limits && isNumber(S.info.limits.max_replications) ? S.info.limits.max_replications : Infinity;
  const repText = $('replications').value.trim(), seedText = $('seed').value.trim();
  const replications = /^\d+$/.test(repText) ? Number(repText) : NaN;
  const seed = /^\d+$/.test(seedText) ? Number(seedText) : NaN;
  return {
    replications, seed,
    replicationsOk: Number.isSafeInteger(replications) && replications >= 1 && replications <= max,
    seedOk: Number.isSafeInteger(seed) && seed >= 0,
    max,
  };
}

function renderRunInputsMessages() {
  const r = runInputs();
  const words = t();
  const colon = S.lang === 'fr' ? NBSP + ': ' : ': ';
  const show = !!S.form;
  const messages = [
    ['replications', show && !r.replicationsOk ? words.replications_label + colon + fill(words.replications_error, {max: formatCount(r.max, S.lang)}) : ''],
    ['seed', show && !r.seedOk ? words.seed_label + colon + fill(words.seed_error, {max: formatCount(Number.MAX_SAFE_INTEGER, S.lang)}) : ''],
  ];
  for (const [id, message] of messages) {
    $(id + '-message').textContent = message;
    if (message) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  }
}

function activeState() {
  return S.active ? (S.active.status ? S.active.status.state : 'queued') : null;
}

function updateControls() {
  const r = runInputs();
  const usable = !!S.sid && !S.expired && !!S.form;
  const formErrors = S.validation.state === 'error';
  const noCutOff = asOfMissing();
  $('run-button').disabled = !usable || !!S.active || formErrors || noCutOff || !r.replicationsOk || !r.seedOk;
  const blocked = $('run-blocked');
  blocked.hidden = !(usable && (formErrors || noCutOff));
  blocked.textContent = formErrors ? t().run_blocked : t().as_of_needed;
  const state = activeState();
  $('cancel-button').disabled = !S.active || !(state === 'queued' || state === 'running') || S.active.cancelling;
  $('scenario-select').disabled = !S.sid || S.expired;
  $('upload-input').disabled = !S.sid || S.expired;
  // The actuals change only between runs: a baseline waiting must read the variant's.
  $('actuals-input').disabled = !usable || !!S.active;
  $('actuals-remove').disabled = !usable || !!S.active || !S.actuals;
  const results = $('results');
  results.classList.toggle('updating', !!(S.active && !S.active.baseline));
  const baseline = $('baseline-button');
  const sameScenario = S.result && S.result.loadKey === S.loadKey;
  const sameActuals = S.result && sameActualsAs(S.result);
  baseline.disabled = !S.result || !!S.active || !sameScenario || !sameActuals || S.expired || !S.sid;
  let note = S.baselineNote;
  if (S.result && !sameScenario) note = t().baseline_other_scenario;
  else if (S.result && !sameActuals) note = t().baseline_other_actuals;
  $('baseline-note').textContent = note;
}

// A run from actuals is compared with a baseline from the same actuals and
// cut-off: still the session's, not removed nor replaced since.
function sameActualsAs(result) {
  if (!result.asOf) return true;
  return !!S.actuals && S.actuals.key === result.actualsKey;
}

async function startVariantRun() {
  if (S.active || !S.sid) return;
  if (S.validation.state === 'pending') await validateNow();
  if (S.validation.state === 'error') {
    updateControls();
    return;
  }
  const r = runInputs();
  if (!r.replicationsOk || !r.seedOk) {
    renderRunInputsMessages();
    return;
  }
  if (asOfMissing()) {
    updateControls();
    return;
  }
  const labels = {};
  for (const field of S.fields) labels[field.key] = field.label;
  const asOf = asOfValue();
  await startRun({
    baseline: false,
    replications: r.replications,
    seed: r.seed,
    loadKey: S.loadKey,
    scenario: S.form.name,
    labels,
    asOf,
    through: throughValue(),
    actualsKey: asOf ? S.actuals.key : '',
    actualsFile: asOf ? S.actuals.file : '',
  });
}

async function startBaseline() {
  const result = S.result;
  if (!result || S.active) return;
  if (!sameActualsAs(result)) {
    updateControls();
    return;
  }
  const key = baselineKey(result);
  const reused = S.baselines[key];
  if (reused) {
    S.baselineNote = fill(t().baseline_reused, {run: reused});
    updateControls();
    await fetchCompare(reused, result.rid, true);
    return;
  }
  S.baselineNote = '';
  await startRun({
    baseline: true,
    replications: result.status.replications,
    seed: result.status.seed,
    loadKey: result.loadKey,
    variant: result.rid,
    key,
    asOf: result.asOf,
    through: result.through,
    actualsKey: result.actualsKey,  // paired: the variant's cut-off
  });
}

function baselineKey(result) {
  return result.loadKey + '|' + result.status.replications + '|' + result.status.seed +
      (result.asOf ? '|' + result.actualsKey + '|' + result.asOf + '|' + (result.through || '') : '');
}

async function startRun(run) {
  const body = {values: currentValues(), replications: run.replications, seed: run.seed, baseline: run.baseline};
  if (run.asOf) body.as_of = run.asOf;
  if (run.asOf && run.through) body.through = run.through;
  S.active = Object.assign({rid: null, status: null, failures: 0, timer: 0, cancelling: false}, run);
  S.lastRunState = {status: {state: 'starting'}, baseline: run.baseline};
  renderRunState();
  updateControls();
  let answer;
  try {
    answer = await api('POST', sessionPath('/runs'), body);
  } catch (error) {
    S.active = null;
    S.lastRunState = null;
    renderRunState();
    networkError(error);
    updateControls();
    return;
  }
  if (answer.status === 202 || answer.status === 200) {
    S.active.rid = String(answer.data.run);
    S.serverMessages = [];
    renderGeneral();
    poll(S.active);
    return;
  }
  S.active = null;
  S.lastRunState = null;
  renderRunState();
  if (answer.status === 400 && (answer.data.fields || answer.data.general)) {
    applyValidation(Object.assign({ok: false}, answer.data));
    const hasMessages = Object.keys(S.fieldMessages).length || S.validation.general.length;
    setServerMessages(hasMessages ? [] : [errorText(answer)]);
  } else if (!S.expired) {
    setServerMessages([errorText(answer)]);
  }
  updateControls();
}

async function poll(active) {
  if (S.active !== active || !active.rid) return;
  let answer;
  try {
    answer = await api('GET', sessionPath('/runs/' + active.rid));
  } catch (error) {
    if (S.active !== active) return;
    active.failures += 1;
    if (active.failures < 20) {
      active.timer = setTimeout(() => poll(active), 1000);
    } else {
      networkError(error);
      stopRun();
    }
    return;
  }
  if (S.active !== active) return;
  if (answer.status !== 200) {
    if (!S.expired) setServerMessages([errorText(answer)]);
    stopRun();
    return;
  }
  active.failures = 0;
  active.status = answer.data;
  S.lastRunState = {status: answer.data, baseline: active.baseline};
  renderRunState();
  updateControls();
  if (TERMINAL_STATES.indexOf(answer.data.state) >= 0) {
    S.active = null;
    finishRun(active, answer.data);
    updateControls();
    return;
  }
  active.timer = setTimeout(() => poll(active), POLL_MS);
}

function stopRun() {
  if (S.active) clearTimeout(S.active.timer);
  S.active = null;
  updateControls();
}

function finishRun(run, status) {
  if (status.state !== 'done') return;
  if (run.baseline) {
    S.baselines[run.key] = run.rid;
    if (S.result && S.result.rid === run.variant) fetchCompare(run.rid, run.variant, false);
    return;
  }
  S.result = {
    rid: run.rid,
    status,
    loadKey: run.loadKey,
    scenario: run.scenario,
    labels: run.labels,
    asOf: status.as_of || run.asOf || '',
    through: status.through || run.through || '',
    actualsKey: run.actualsKey || '',
    actualsFile: status.actuals_file || run.actualsFile || ''
  };
  S.compare = null;
  S.baselineNote = '';
  $('variant-toml').textContent = '';
  $('variant-details').open = false;
  renderResults();
  renderCompare();
}

async function cancelRun() {
  const active = S.active;
  if (!active || !active.rid) return;
  active.cancelling = true;
  updateControls();
  let answer;
  try {
    answer = await api('DELETE', sessionPath('/runs/' + active.rid));
  } catch (error) {
    active.cancelling = false;
    networkError(error);
    updateControls();
    return;
  }
  active.cancelling = false;
  if (answer.status === 200) {
    if (S.active === active) {
      clearTimeout(active.timer);
      S.active = null;
      S.lastRunState = {status: Object.assign({}, active.status || {}, {state: 'cancelled'}), baseline: active.baseline};
      renderRunState();
    }
  } else if (answer.status !== 409 && !S.expired) {
    setServerMessages([errorText(answer)]);
  }
  updateControls();
}

function renderRunState() {
  const progress = $('progress');
  const stateText = $('run-state');
  const kind = $('run-kind');
  const words = t();
  const last = S.lastRunState;
  renderRunError();
  if (!last) {
    stateText.textContent = '';
    kind.textContent = '';
    progress.max = 1;
    progress.value = 0;
    return;
  }
  const status = last.status || {};
  kind.textContent = (last.baseline ? words.kind_baseline : words.kind_variant) + (S.lang === 'fr' ? NBSP + ':' : ':');
  let text = '';
  switch (status.state) {
    case 'starting':
      text = words.state_starting;
      progress.removeAttribute('value');
      break;
    case 'queued':
      text = fill(words.state_queued, {n: isNumber(status.queue_position) ? status.queue_position : 0});
      progress.removeAttribute('value');
      break;
    case 'running': {
      const target = isNumber(status.target) && status.target > 0 ? status.target : 1;
      const done = isNumber(status.done) ? status.done : 0;
      text = fill(words.state_running, {done, target});
      progress.max = target;
      progress.value = Math.min(done, target);
      break;
    }
    case 'charts':
      text = words.state_charts;
      progress.max = 1;
      progress.value = 1;
      break;
    case 'done':
      text = fill(words.state_done, {seconds: formatNumber(isNumber(status.seconds) ? status.seconds : 0, 1, S.lang)});
      progress.max = 1;
      progress.value = 1;
      break;
    case 'failed':
      text = words.state_failed;  // the message itself in #run-error
      progress.max = 1;
      progress.value = 0;
      break;
    case 'cancelled':
      text = words.state_cancelled;
      progress.max = 1;
      progress.value = 0;
      break;
    default:
      text = String(status.state || '');
  }
  stateText.textContent = text;
  stateText.setAttribute('data-state', status.state || '');
}

// A failed run's message, whole: the actuals reader's can take several lines.
function renderRunError() {
  const box = $('run-error');
  const last = S.lastRunState;
  const status = last && last.status ? last.status : {};
  if (status.state !== 'failed') {
    box.hidden = true;
    $('run-error-title').textContent = '';
    $('run-error-text').textContent = '';
    return;
  }
  const words = t();
  $('run-error-title').textContent = isIsoDate(status.as_of)
    ? fill(words.run_failed_actuals, {date: formatDate(parseIsoDate(status.as_of), S.lang)}) : words.run_failed;
  $('run-error-text').textContent = String(status.error || '?').replace(/\s+$/, '');
  box.hidden = false;
}

// ---------------------------------------------------------------------------
// Results.

function deadlineOf(summary) {
  if (!summary.commitment_start || !isNumber(summary.window_days)) return '—';
  return formatDate(addDays(summary.commitment_start, summary.window_days - 1), S.lang);
}

function renderResults() {
  const section = $('results');
  const result = S.result;
  const empty = !result || !result.status || !result.status.summary;
  section.hidden = empty;
  $('results-placeholder').hidden = !empty;
  if (empty) return;
  const words = t();
  const status = result.status;
  const summary = status.summary;
  const national = summary.national || {};
  const lang = S.lang;

  const changed = Array.isArray(status.changed) ? status.changed : [];
  const names = changed.map((key) => (result.labels && result.labels[key] ? result.labels[key][lang] || key : key));
  $('results-context').textContent =
      fill(words.context, {
        scenario: result.scenario || summary.scenario || '',
        replications: formatCount(status.replications, lang),
        seed: String(status.seed),
        changed: changed.length ?
            fill(
                words.context_changed, {count: words.changed_some(changed.length), names: names.join(', ')}) :
            words.changed_none.toLowerCase(),
      }) +
      (result.asOf ? ' · ' +
               fill(words.context_actuals, {file: result.actualsFile || '?', date: asOfText(result.asOf)}) +
               (result.through ? fill(words.context_through, {date: asOfText(result.through)}) : '') :
                     '');

  // Headline figures.
  const figures = $('figures');
  figures.textContent = '';
  const figure = (name, text) => el('span', {'data-figure': name, text});
  const card = (name, label, value, sub) => el('div', {class: 'card', 'data-card': name}, [
    el('div', {class: 'card-label', text: label}),
    el('div', {class: 'card-value'}, [figure(name, value)]),
    sub ? el('div', {class: 'card-sub'}, sub) : null,
  ]);
  figures.append(
    card('p_additional_needed', words.fig_p_additional_needed, formatPercent(national.p_additional_needed, lang)),
    card('additional_q90', words.fig_additional_q90, formatMeur(national.additional_needed_q90_eur, lang)),
    card('demand_median', words.fig_demand, formatMeur(national.demand_q50_eur, lang), [
      words.fig_demand_range[0], figure('demand_low', formatMeur(national.demand_q05_eur, lang)),
      words.fig_demand_range[1], figure('demand_high', formatMeur(national.demand_q95_eur, lang)), words.fig_demand_range[2],
    ]),
    card('committed', words.fig_committed, formatMeur(national.committed_mean_eur, lang),
      isNumber(national.available_eur) ? [words.fig_committed_sub[0], figure('available', formatMeur(national.available_eur, lang)),
        words.fig_committed_sub[1]] : null),
    card('unmet', words.fig_unmet, formatMeur(national.unmet_mean_eur, lang)),
  );
  const p = national.p_additional_needed;
  figures.querySelector('[data-card="p_additional_needed"]').classList.toggle('alert', isNumber(p) && p >= 0.5);

  // The exhaustion table.
  $('exhaustion-note').textContent = fill(words.exhaustion_note, {deadline: deadlineOf(summary), never: words.never_short});
  const table = $('exhaustion-table');
  table.textContent = '';
  const columns = ['name', 'envelope', 'p_exhausted', 'median_date', 'committed', 'unmet'];
  const head = el('tr');
  columns.forEach((column, i) => head.append(el('th', {scope: 'col', class: i ? 'n' : null, 'data-col': column,
    text: words.exhaustion_columns[i]})));
  table.append(el('thead', null, [head]));
  const body = el('tbody');
  for (const region of summary.regions || []) {
    const q50 = region.exhaustion_day_q50;
    const median = isNumber(q50) && q50 >= 0 ? formatDate(addDays(summary.commitment_start, q50), lang) : words.never_short;
    const pr = region.p_exhausted;
    const risk = isNumber(pr) ? (pr >= 0.5 ? 'risk-high' : pr >= 0.2 ? 'risk-medium' : '') : '';
    const row = el('tr', {'data-region': region.code, class: risk || null});
    const cells = {
      name: region.name || region.code,
      envelope: formatMeur(region.envelope_eur, lang),
      p_exhausted: formatPercent(pr, lang),
      median_date: median,
      committed: formatMeur(region.committed_mean_eur, lang),
      unmet: formatMeur(region.unmet_mean_eur, lang),
    };
    for (const column of columns) {
      const cell = el('td', {'data-col': column, class: column === 'name' ? 'name' : 'n', text: cells[column]});
      if (column === 'p_exhausted' && isNumber(pr)) cell.style.setProperty('--p', String(Math.min(1, Math.max(0, pr))));
      row.append(cell);
    }
    body.append(row);
  }
  table.append(body);
  renderNationalPast(summary);
  renderSpread(national.spread, String(summary.commitment_start || '').slice(0, 7));
  renderActualsReport();
  renderCharts();
  renderDownloads();
}

// A forecast from national totals (summary.national_past): which region filed
// the nation's past is drawn in each simulated year; how far a region's part
// varies, as `fnesim run` says it under its table — half the 90 % range over
// the mean, the median region's and the extremes, named from 200 years — and
// not below 20 years, too few for a 90 % range.
function renderNationalPast(summary) {
  const paragraph = $('national-past');
  paragraph.textContent = '';
  paragraph.hidden = true;
  const past = summary.national_past;
  const replications = summary.replications;
  if (!past || typeof past !== 'object' || !Array.isArray(past.regions) || !isNumber(replications) ||
      replications < 20)
    return;
  const names = new Map((summary.regions || []).map((r) => [r.code, r.name || r.code]));
  const spread = past.regions
                     .filter(
                         (r) => r && isNumber(r.committed_mean_eur) && r.committed_mean_eur > 0 &&
                             isNumber(r.committed_q05_eur) && isNumber(r.committed_q95_eur))
                     .map((r) => ({
                            code: r.code,
                            half: (r.committed_q95_eur - r.committed_q05_eur) / (2 * r.committed_mean_eur)
                          }))
                     .sort((a, b) => a.half - b.half);
  if (!spread.length) return;
  const words = t();
  const lang = S.lang;
  const middle = Math.floor(spread.length / 2);
  const typical =
      spread.length % 2 ? spread[middle].half : (spread[middle - 1].half + spread[middle].half) / 2;
  const named = replications >= 200;
  const extreme = (r) =>
      '±' + formatPercent(r.half, lang, 0) + (named ? ' (' + (names.get(r.code) || r.code) + ')' : '');
  paragraph.textContent = fill(words.national_past, {
    committed: formatMeur(past.committed_eur, lang),
    other: isNumber(past.other_actuals_eur) && past.other_actuals_eur > 0 ?
        fill(words.national_past_other, {other: formatMeur(past.other_actuals_eur, lang)}) :
        '',
    typical: formatPercent(typical, lang, 0),
    low: extreme(spread[0]),
    high: extreme(spread[spread.length - 1]),
    by_region: named ? '' : words.national_past_by_region,
  });
  paragraph.hidden = false;
}

function asOfText(iso) {
  return isIsoDate(iso) ? formatDate(parseIsoDate(iso), S.lang) : String(iso || '?');
}

// Where the spread of year-end national demand comes from (summary.national.spread):
// the report's demand_spread_sentence, and each assumption's r² as a bar.
// `firstMonth`: the commitment start's, YYYY-MM (a year drawn whole asks
// whether the rules change at all, a forecast whether they change again).
function renderSpread(spread, firstMonth) {
  const block = $('spread');
  const valid = spread && typeof spread === 'object' && isNumber(spread.dossiers_share);
  block.hidden = !valid;
  const sentence = $('spread-sentence');
  const split = $('spread-split');
  const bars = $('spread-bars');
  const jumps = $('spread-jumps');
  sentence.textContent = '';
  split.textContent = '';
  bars.textContent = '';
  jumps.textContent = '';
  jumps.hidden = true;
  if (!valid) return;
  const words = t();
  const lang = S.lang;
  const dossiers = Math.min(1, Math.max(0, spread.dossiers_share));
  const assumptionsShare = 1 - dossiers;  // as the report says it
  const assumptions = (Array.isArray(spread.assumptions) ? spread.assumptions : [])
    .filter((a) => a && typeof a.name === 'string' && isNumber(a.r_squared))
    .slice().sort((a, b) => b.r_squared - a.r_squared);
  const shares = {
    assumptions: formatPercent(assumptionsShare, lang, 0),
    dossiers: formatPercent(dossiers, lang, 0),
  };
  let text = isNumber(spread.demand_sd_eur) ? fill(words.spread_sd, {sd: formatMeur(spread.demand_sd_eur, lang)}) + ' ' : '';
  text += fill(dossiers > assumptionsShare ? words.spread_dossiers_first : words.spread_assumptions_first, shares);
  text += assumptions.length ? words.spread_alone : words.spread_end;
  sentence.textContent = text;
  sentence.setAttribute('data-assumptions-share', String(assumptionsShare));
  sentence.setAttribute('data-dossiers-share', String(dossiers));

  // The committee's probability apart for the years in which the rules do not
  // change again and the others (scenarios whose uptake may jump).
  const byJumps = spread.additional_by_jumps;
  // Shown with each part's standard error (one kind of year may be a small
  // part of the run), and not when no simulated year needed money.
  const parts = ['without', 'with'];
  if (byJumps && typeof byJumps === 'object' && byJumps.replications_without_jumps > 0
      && byJumps.replications_with_jumps > 0 && /^\d{4}-\d{2}$/.test(byJumps.first_month)
      && parts.every((part) => isNumber(byJumps['p_additional_needed_' + part + '_jumps'])
        && isNumber(byJumps['p_additional_needed_' + part + '_jumps_se']))
      && parts.some((part) => byJumps['p_additional_needed_' + part + '_jumps'] > 0)) {
    const probability = (part) => formatPercent(byJumps['p_additional_needed_' + part + '_jumps'], lang)
      + ' (' + formatPoints(byJumps['p_additional_needed_' + part + '_jumps_se'], lang) + ')';
    const total = byJumps.replications_without_jumps + byJumps.replications_with_jumps;
    const [year, month] = byJumps.first_month.split('-').map(Number);
    jumps.textContent = fill(words.spread_jumps, {
      kept: byJumps.first_month === firstMonth ? words.spread_kept_year
        : fill(words.spread_kept_from, {month: MONTHS[lang][month - 1] + NBSP + year}),
      share: formatPercent(byJumps.replications_without_jumps / total, lang),
      without: probability('without'),
      with: probability('with'),
    });
    jumps.hidden = false;
  }

  // The split of the variance: the assumptions drawn against the dossiers' randomness.
  const bar = el('div', {class: 'spread-split-bar'});
  const legend = el('div', {class: 'spread-legend'});
  [['assumptions', assumptionsShare, words.spread_legend[0]], ['dossiers', dossiers, words.spread_legend[1]]]
    .forEach(([name, share, label]) => {
      const segment = el('span', {class: 'spread-segment spread-' + name, 'data-share': share});
      segment.style.width = (100 * share) + '%';
      bar.append(segment);
      legend.append(el('span', {class: 'spread-key'}, [
        el('span', {class: 'spread-swatch spread-' + name}), label + ' ' + formatPercent(share, lang, 0),
      ]));
    });
  split.append(bar, legend);

  // Each assumption alone, the largest first.
  $('spread-bars-note').hidden = assumptions.length === 0;
  const labels = S.result && S.result.labels ? S.result.labels : {};
  for (const assumption of assumptions) {
    const name = assumption.name;
    const r2 = Math.min(1, Math.max(0, assumption.r_squared));
    const known = words.spread_names[name];
    const label = known ? el('span', {class: 'spread-name', text: known})
      : el('span', {class: 'spread-name'}, [keyPath(name)]);
    const formLabel = !known && labels[name] ? labels[name][lang] || labels[name].fr : '';
    label.title = known ? name : (formLabel || name);
    const fillBar = el('span', {class: 'spread-fill'});
    fillBar.style.width = (100 * r2) + '%';
    const value = formatPercent(r2, lang);
    bars.append(el('li', {class: 'spread-bar', 'data-assumption': name, 'data-r2': assumption.r_squared}, [
      label,
      el('span', {class: 'spread-track', role: 'img', 'aria-label': 'r² ' + value}, [fillBar]),
      el('span', {class: 'spread-value n', text: value}),
    ]));
  }
}

// A key path, in code, that breaks after its dots only.
function keyPath(name) {
  const code = el('code');
  name.split('.').forEach((part, i, parts) => {
    code.append(part + (i < parts.length - 1 ? '.' : ''));
    if (i < parts.length - 1) code.append(el('wbr'));
  });
  return code;
}

// What a forecast from actuals learnt, as the CLI prints it.
function renderActualsReport() {
  const result = S.result;
  const report = result && typeof result.status.actuals_report === 'string' ? result.status.actuals_report : '';
  $('actuals-block').hidden = !report;
  $('actuals-report').textContent = report.replace(/\s+$/, '');
  $('actuals-report-note').textContent = report ? fill(t().actuals_report_note, {
    file: result.actualsFile || '?', date: asOfText(result.asOf),
  }) : '';
  const note = $('compare-actuals-note');
  note.hidden = !(result && result.asOf);
  note.textContent = result && result.asOf ? fill(t().compare_actuals_note, {date: asOfText(result.asOf)}) : '';
}

function renderCharts() {
  const box = $('charts');
  box.textContent = '';
  const result = S.result;
  if (!result) return;
  const words = t();
  const summary = result.status.summary || {};
  const national = summary.national || {};
  for (const name of result.status.charts || []) {
    const title = words.chart_titles[name] || name;
    const caption = fill(words.chart_captions[name] || '', {
      deadline: deadlineOf(summary), p: formatPercent(national.p_additional_needed, S.lang),
    });
    const img = el('img', {class: 'chart', 'data-chart': name, alt: title, decoding: 'async',
      src: sessionPath('/runs/' + result.rid + '/chart/' + S.lang + '/' + name + '.png')});
    box.append(el('figure', {class: 'chart-figure', 'data-chart-figure': name}, [
      el('h4', {text: title}), img, caption ? el('figcaption', {text: caption}) : null,
    ]));
  }
}

function renderDownloads() {
  const result = S.result;
  const words = t();
  const files = result.status.files || [];
  const base = sessionPath('/runs/' + result.rid + '/files/');
  const toml = files.indexOf('variant.toml') >= 0 ? 'variant.toml' : (files.find((f) => f.endsWith('.toml')) || 'variant.toml');
  // The actuals under the name the run records and its command reads.
  const actuals = typeof result.status.actuals_file === 'string' ? result.status.actuals_file : 'actuals.csv';
  const links = [
    ['download-toml', toml, words.download_toml, true],
    ['download-run', 'run.h5', words.download_run, files.indexOf('run.h5') >= 0],
    ['download-csv', 'regions.csv', words.download_csv, files.indexOf('regions.csv') >= 0],
    ['download-report', 'report-' + S.lang + '.html', words.download_report, true],
    ['download-actuals', actuals, words.download_actuals, files.indexOf(actuals) >= 0],
  ];
  for (const [id, file, text, available] of links) {
    const a = $(id);
    a.href = base + file;
    a.setAttribute('download', file);  // the server's own name for it
    a.setAttribute('data-file', file);
    a.textContent = text;
    a.parentElement.hidden = !available;
  }
  const command = typeof result.status.command === 'string' ? result.status.command : '';
  $('run-command').textContent = command;
  $('run-command').parentElement.parentElement.hidden = !command;
}

async function showVariantToml() {
  const details = $('variant-details');
  const pre = $('variant-toml');
  if (!details.open || pre.textContent || !S.result) return;
  try {
    const response = await fetch($('download-toml').href, {cache: 'no-store'});
    pre.textContent = response.ok ? await response.text() : errorText({status: response.status, data: {}});
  } catch (error) {
    pre.textContent = String(error);
  }
}

// ---------------------------------------------------------------------------
// Comparison with the parent scenario.

async function fetchCompare(baselineRid, variantRid, reused) {
  let answer;
  try {
    answer = await api('GET', sessionPath('/compare?baseline=' + encodeURIComponent(baselineRid) + '&variant=' + encodeURIComponent(variantRid)));
  } catch (error) {
    networkError(error);
    return;
  }
  if (answer.status === 200) {
    S.compare = {json: answer.data, baseline: baselineRid, variant: variantRid};
    renderCompare();
    const block = $('compare');
    if (block.scrollIntoView) block.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    return;
  }
  if (S.expired) return;
  if (reused && answer.status === 404) {  // the reused baseline is gone: simulate it again
    for (const [key, rid] of Object.entries(S.baselines)) if (rid === baselineRid) delete S.baselines[key];
    S.baselineNote = '';
    await startBaseline();
    return;
  }
  setServerMessages([errorText(answer)]);
}

function significanceCell(column, comparison) {
  const words = t();
  const cell = el('td', {'data-col': column, class: 'sig'});
  if (!comparison) return cell;
  const significant = comparison.significant === true;
  cell.textContent = significant ? '✱' : '';
  cell.setAttribute('data-significant', significant ? 'true' : 'false');
  // No p-value: the runs agree in every replication, or one has no standard error to test with.
  const untested = comparison.p_value === null || comparison.p_value === undefined;
  let title = untested ? (isNumber(comparison.standard_error) ? words.identical : words.no_test) :
                         (significant ? words.significant : words.not_significant) + ' · ' +
          fill(words.p_value, {p: pValueText(comparison.p_value)});
  cell.title = title;
  return cell;
}

function pValueText(p) {
  if (!isNumber(p)) return '—';
  if (p < 0.0001) return S.lang === 'fr' ? '< 0,0001' : '< 0.0001';
  return formatNumber(p, 4, S.lang);
}

// Why the runs are paired or not, in the page's language: the server's
// design_reason is English. Both runs come from this server, so only their
// seeds and replication counts can differ; anything else is said as the
// server says it.
function compareReason(json, words, lang) {
  const a = json.a || {}, b = json.b || {}, reasons = words.compare_reasons;
  const count = (n) => (isNumber(n) ? formatCount(n, lang) : '?');
  if (json.design === 'paired' && a.seed === b.seed && a.replications === b.replications)
    return fill(reasons.same, {seed: String(a.seed), replications: count(a.replications)});
  const parts = [];
  if (a.seed !== b.seed) parts.push(fill(reasons.seeds, {a: String(a.seed), b: String(b.seed)}));
  if (a.replications !== b.replications)
    parts.push(fill(reasons.counts, {a: count(a.replications), b: count(b.replications)}));
  return parts.length > 0 ? parts.join(', ') : (json.design_reason || json.design || '');
}

function renderCompare() {
  const block = $('compare');
  const compare = S.compare;
  if (!compare || !S.result || compare.variant !== S.result.rid) {
    block.hidden = true;
    return;
  }
  block.hidden = false;
  const words = t();
  const lang = S.lang;
  const json = compare.json;
  const test = json.test || {};
  const explain = $('compare-explain');
  explain.textContent = '';
  explain.append(fill(
      json.design === 'paired' ? words.compare_paired : words.compare_unpaired,
      {reason: compareReason(json, words, lang)}));
  explain.append(' ', fill(words.compare_test, {
    statistic: words.statistics[test.statistic] || test.statistic || '?',
    correction: CORRECTIONS[test.multiplicity_correction] || test.multiplicity_correction || '?',
    tests: isNumber(test.tests) ? formatCount(test.tests, lang) : '?',
    level: formatPercent(test.family_wise_level, lang),
  }));

  const probability = (v) => formatPercent(v, lang);
  const money = (v) => formatMeur(v, lang);
  const moneyDiff = (v) => formatMeur(v, lang, null, true);
  const moneySe = (v) => (isNumber(v) ? '±' + NBSP + formatMeur(v, lang, 2) : '—');

  // National figures.
  const national = $('compare-national');
  national.textContent = '';
  const nationalData = json.national || {};
  const nationalRows = [
    ['p_additional_needed', probability, (v) => formatPointsDifference(v, lang), (v) => formatPoints(v, lang)],
    ['unmet_eur', money, moneyDiff, moneySe],
    ['additional_needed_eur', money, moneyDiff, moneySe],
  ].filter(([name]) => nationalData[name]);
  national.hidden = nationalRows.length === 0;
  if (nationalRows.length) {
    const head = el('tr');
    words.national_columns.forEach((text, i) => head.append(el('th', {scope: 'col', class: i ? 'n' : null, text})));
    national.append(el('thead', null, [head]));
    const body = el('tbody');
    for (const [name, value, difference, se] of nationalRows) {
      const c = nationalData[name];
      const row = el('tr', {'data-national': name, class: c.significant ? 'significant' : null}, [
        el('td', {class: 'name', 'data-col': 'label', text: words.national_rows[name]}),
        el('td', {class: 'n', 'data-col': 'base', text: value(c.a)}),
        el('td', {class: 'n', 'data-col': 'variant', text: value(c.b)}),
        el('td', {class: 'n', 'data-col': 'difference', text: difference(c.difference)}),
        el('td', {class: 'n', 'data-col': 'se', text: se(c.standard_error)}),
        significanceCell('significant', c),
      ]);
      body.append(row);
    }
    national.append(body);
  }

  // Regions.
  const table = $('compare-table');
  table.textContent = '';
  const top = el('tr', null, [
    el('th', {scope: 'col', rowspan: 2, text: words.compare_columns[0]}),
    el('th', {scope: 'colgroup', colspan: 5, class: 'group-head', text: words.compare_groups[0]}),
    el('th', {scope: 'colgroup', colspan: 3, class: 'group-head', text: words.compare_groups[1]}),
  ]);
  const second = el('tr');
  const columns = ['p_base', 'p_variant', 'p_difference', 'p_se', 'p_significant', 'unmet_difference', 'unmet_se', 'unmet_significant'];
  columns.forEach((column, i) => second.append(el('th', {scope: 'col', class: 'n', 'data-col': column, text: words.compare_columns[i + 1]})));
  table.append(el('thead', null, [top, second]));
  const body = el('tbody');
  for (const region of json.regions || []) {
    const p = region.p_exhausted || {};
    const unmet = region.unmet_eur || {};
    const significant = p.significant === true || unmet.significant === true;
    const row = el('tr', {'data-region': region.code, class: significant ? 'significant' : null,
      'data-p-significant': p.significant === true ? 'true' : 'false',
      'data-unmet-significant': unmet.significant === true ? 'true' : 'false'}, [
      el('td', {class: 'name', 'data-col': 'name', text: region.name || region.code}),
      el('td', {class: 'n', 'data-col': 'p_base', text: probability(p.a)}),
      el('td', {class: 'n arrow', 'data-col': 'p_variant', text: probability(p.b)}),
      el('td', {class: 'n', 'data-col': 'p_difference', text: formatPointsDifference(p.difference, lang)}),
      el('td', {class: 'n se', 'data-col': 'p_se', text: formatPoints(p.standard_error, lang)}),
      significanceCell('p_significant', region.p_exhausted),
      el('td', {class: 'n', 'data-col': 'unmet_difference', text: moneyDiff(unmet.difference)}),
      el('td', {class: 'n se', 'data-col': 'unmet_se', text: moneySe(unmet.standard_error)}),
      significanceCell('unmet_significant', region.unmet_eur),
    ]);
    body.append(row);
  }
  table.append(body);
}

// ---------------------------------------------------------------------------
// Start: the server's limits and scenarios, a session, the default scenario.

async function createSession() {
  const answer = await api('POST', '/api/sessions');
  if (answer.status !== 201 && answer.status !== 200) throw new Error(errorText(answer));
  S.sid = answer.data.session;
}

function endSession() {
  if (!S.sid || S.expired) return;
  const path = sessionPath('/end');
  S.sid = null;
  try {
    if (navigator.sendBeacon) navigator.sendBeacon(path);
    else fetch(path, {method: 'POST', keepalive: true});
  } catch (error) {
    // the page is going away: nothing to tell
  }
}

async function start() {
  applyLanguage();
  $('lang-switch').addEventListener('click', () => {
    S.lang = S.lang === 'fr' ? 'en' : 'fr';
    applyLanguage();
  });
  $('scenario-select').addEventListener('change', (event) => {
    const name = event.target.value;
    if (name) loadBuiltin(name);
  });
  $('upload-input').addEventListener('change', (event) => upload(event.target.files));
  $('actuals-input').addEventListener('change', (event) => uploadActuals(event.target.files));
  $('actuals-remove').addEventListener('click', removeActuals);
  for (const type of ['input', 'change']) {
    $('as-of').addEventListener(type, () => {
      renderActuals();
      updateControls();
    });
  }
  $('reset-all').addEventListener('click', resetAll);
  $('scenario-form').addEventListener('submit', (event) => event.preventDefault());
  for (const id of ['replications', 'seed']) {
    $(id).addEventListener('input', () => {
      renderRunInputsMessages();
      updateControls();
    });
  }
  $('run-button').addEventListener('click', startVariantRun);
  $('cancel-button').addEventListener('click', cancelRun);
  $('baseline-button').addEventListener('click', startBaseline);
  $('variant-details').addEventListener('toggle', showVariantToml);
  window.addEventListener('pagehide', endSession);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) window.location.reload();  // back from the cache: its session has ended
  });

  try {
    const [info] = await Promise.all([api('GET', '/api/info'), createSession()]);
    if (info.status !== 200) throw new Error(errorText(info));
    S.info = info.data;
  } catch (error) {
    setServerMessages([fill(t().err_network, {error: error && error.message ? error.message : String(error)})], true);
    $('scenario-form').textContent = '';
    updateControls();
    return;
  }
  const max = S.info.limits && S.info.limits.max_replications;
  if (isNumber(max)) $('replications').max = String(max);
  fillBuiltins();
  renderLimits();
  updateControls();
  await loadBuiltin(S.info.default || (S.info.builtins && S.info.builtins[0] && S.info.builtins[0].name));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

})();
