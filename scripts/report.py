#!/usr/bin/python3
"""The steering committee's report: one self-contained HTML page from an fnesim run file.

    scripts/report.py RUN.h5 [-o REPORT.html] [--lang fr|en] [--png-dir DIR] [--force]
    fnesim report RUN.h5 ...              (the same, through the binary)

The page (docs/report.md) opens offline and prints on A4: the headline figures,
the national fan chart of cumulative commitments against the envelope, one fan
per region, the probability that each region is exhausted month by month, the
distribution of the additional allocation needed, which assumptions matter
(tornado and Sobol charts) when the file holds `fnesim sensitivity`'s
/sensitivity, the recommendation and the
steering moves when the file holds them, the scenario's key assumptions, the
run's provenance and the Monte-Carlo precision of every headline figure.
Each chart is also written as a PNG file for slides.

Needs Debian's /usr/bin/python3 with python3-numpy, python3-h5py and
python3-matplotlib. Exit status: 0 done, 1 the job could not be done (a missing
package, an unwritable place), 2 bad input (not an fnesim run file, an unknown
format major version, an existing output without --force, an output that is
not a regular file or is the run file itself), 128 + the signal when
interrupted by SIGINT (130), SIGTERM or SIGHUP: no temporary file is left.

One file of about 1 300 lines on purpose: it is installed and run as one
script beside the binary (share/fnesim/report.py), with no package of its own
to import from; its sections (formats, charts, page, command line) follow the
page from top to bottom.
"""
import os
import signal

if __name__ == "__main__":
    # Until main() installs on_signal, a signal finds nothing written: leave at once, quietly, with 128 +
    # the signal. Python's own handler would print a traceback of the imports below (a second or so). As
    # a script only: a program importing this module keeps its handlers.
    def leave_before_anything_is_written(signum, frame):
        os._exit(128 + signum)

    for early_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(early_signal) != signal.SIG_IGN:  # nohup's SIGHUP stays ignored
            signal.signal(early_signal, leave_before_anything_is_written)
    # `fnesim report` starts us with them blocked (cli/report.cpp), so that none ends the interpreter's
    # start with a traceback: one sent meanwhile arrives now.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})

import argparse  # the imports after the handler, which must come first
import base64
import datetime
import html
import io
import math
import stat
import sys
import tomllib
from dataclasses import dataclass
from statistics import NormalDist

EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 1, 2, 130
FORMAT_MAJOR = 1
FAN_PERCENTS = [10, 20, 30, 40, 50, 60, 70, 80, 90]  # deciles: eight bands of 10 % each
MARKED_PERCENTS = [50, 80, 90, 95]  # of the additional allocation needed
CHART_NAMES = ["fan_national.png", "fan_regions.png", "p_exhausted.png", "additional_needed.png", "tornado.png",
               "sobol.png", "cash.png"]
CASH_SERIES = ["cumulative_disbursed", "cumulative_paid", "position"]  # /summary/financing/series, format 1.4
PNG_DPI = 200
# Format 1.5's /sensitivity: the outputs and tornado statistics the report shows, in its order,
# and the most tornado bars drawn per statistic.
SENSITIVITY_OUTPUTS = ["additional_needed_any", "national_demand_eur"]
TORNADO_STATISTICS = ["p_additional_needed", "mean_national_demand_eur"]
TORNADO_MAX_BARS = 8
# Above this, the fan's trajectories are read a few regions at a time
# (every replication of a month is needed for exact quantiles).
FAN_MEMORY_BYTES = 256 * 2**20
NEVER = 10**9  # an exhaustion day of -1 (never), where days are sorted: after every day
# Art. 6's planning figure as models/demand.hpp reads it (docs/model.md): 25 000
# pathways for the 150 M EUR envelope, each at a gross cost of 6 000 EUR.
ART6_ENVELOPE_EUR = 150_000_000
ART6_PLANNED_PATHWAYS = 25_000
ART6_MEAN_PATHWAY_COST_EUR = 6_000

MISSING_PACKAGES = ("run with Debian's /usr/bin/python3 and install python3-numpy, python3-h5py and "
                    "python3-matplotlib (scripts/install-deps.sh)")
try:
    import h5py
    import numpy as np
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"report.py: {error}: {MISSING_PACKAGES}")


class UserError(Exception):
    """Bad input: reported in one line, exit status 2."""


class JobError(Exception):
    """The job could not be done (I/O): reported in one line, exit status 1."""


# ---------------------------------------------------------------------------
# Numbers, money, percentages and dates, by language. System locales are not
# relied upon (a fresh machine has none): French typography is spelled here,
# after CLDR: a narrow no-break space (U+202F) groups thousands and precedes
# "%", a no-break space (U+00A0) precedes a unit, the decimal mark is a comma.

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"
MONTHS = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def format_number(value, decimals, lang):
    """`value` rounded to `decimals`, grouped by thousands; a true minus sign."""
    text = f"{abs(value):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    negative = round(value, decimals) < 0
    return (MINUS if negative else "") + text


def money_decimals(eur):
    """Three significant figures in millions, at least one decimal: 130,7 / 27,5 / 8,10 / 0,45."""
    return 1 if abs(eur) >= 10e6 else 2


def format_meur(eur, lang, decimals=None, signed=False):
    """Millions of euros: « 27,5 M€ » in French, "€27.5M" in English."""
    if decimals is None:
        decimals = 0 if eur == 0 else money_decimals(eur)
    number = format_number(eur / 1e6, decimals, lang)
    sign = ""
    if number.startswith(MINUS):
        sign, number = MINUS, number[1:]
    elif signed and round(eur / 1e6, decimals) > 0:
        sign = "+"
    return f"{sign}{number}{NBSP}M€" if lang == "fr" else f"{sign}€{number}M"


def percent_decimals(probability):
    """Whole percentages, but a decimal near 0 and 1, where whole ones would round to certainty."""
    return 1 if (0 < probability < 0.01 or 0.99 < probability < 1) else 0


def format_keur(eur, lang, signed=False):
    """Thousands of euros, one decimal: « +1,7 k€ » in French, "+€1.7k" in English."""
    number = format_number(eur / 1e3, 1, lang)
    sign = "+" if signed and not number.startswith(MINUS) and round(eur / 1e3, 1) > 0 else ""
    if number.startswith(MINUS):
        sign, number = MINUS, number[1:]
    return f"{sign}{number}{NBSP}k€" if lang == "fr" else f"{sign}€{number}k"


def format_percent(probability, lang, decimals=None):
    """« 42 % » in French, "42%" in English."""
    if decimals is None:
        decimals = percent_decimals(probability)
    number = format_number(100 * probability, decimals, lang)
    return f"{number}{NNBSP}%" if lang == "fr" else f"{number}%"


def not_available(lang):
    """What stands for a standard error one replication cannot give (NaN in the run file)."""
    return "n.d." if lang == "fr" else "n/a"


def format_se_meur(se, lang):
    """A standard error in millions of euros: « ± 0,12 M€ », "± €0.12M", or « ± n.d. » when there is none."""
    return f"±{NBSP}{not_available(lang)}" if math.isnan(se) else "± " + format_meur(se, lang, decimals=2)


def format_points(probability, lang):
    """A standard error of a probability, in percentage points: « ± 2,3 pts », "±2.3 pp" (« ± n.d. » when
    there is none: one replication, or years that all share one prior draw)."""
    if math.isnan(probability):
        return f"±{NBSP}{not_available(lang)}"
    number = format_number(100 * probability, 1, lang)
    if lang == "fr":
        return f"±{NBSP}{number}{NBSP}{'pts' if round(100 * probability, 1) >= 2 else 'pt'}"
    return f"±{number} pp"


def format_euros(eur, lang):
    """Whole euros: « 10 000 € », "€10,000"."""
    number = format_number(eur, 0, lang)
    return f"{number}{NBSP}€" if lang == "fr" else f"€{number}"


def format_date(day, lang):
    """« 15 sept. 2021 », « 1er oct. 2021 » in French; "15 Sep 2021" in English."""
    month = MONTHS[lang][day.month - 1]
    if lang == "fr":
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first}{NBSP}{month}{NBSP}{day.year}"
    return f"{day.day}{NBSP}{month}{NBSP}{day.year}"


def format_month(first_day, lang):
    """« sept. 2021 », "Sep 2021": a month and its year."""
    return f"{MONTHS[lang][first_day.month - 1]}{NBSP}{first_day.year}"


def format_count(value, lang):
    return format_number(value, 0, lang)


def money_axis_formatter(lang):
    """Tick labels in millions of euros, with as many decimals as the tick spacing needs."""
    from matplotlib.ticker import FuncFormatter

    def label(value, position=None):
        # The fewest decimals that write every tick exactly (2.5, 5, 7.5 → one).
        millions = np.asarray(formatter.locs, dtype=float) / 1e6
        decimals = next((d for d in range(4) if np.allclose(millions, np.round(millions, d), atol=1e-9)), 3)
        return format_meur(value, lang, decimals=0 if value == 0 else decimals)

    formatter = FuncFormatter(label)
    return formatter


def percent_axis_formatter(lang):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, position=None: format_percent(value, lang, decimals=0))


# ---------------------------------------------------------------------------
# Words.

TEXT = {
    "fr": {
        "title": "FNE-Formation 2021 — prévision de consommation des enveloppes",
        "subtitle": "Scénario « {scenario} » · {replications} années simulées · fichier {file}",
        "headline": "L'essentiel",
        "h_commitments": "Engagements attendus au niveau national : <b>{committed}</b> (9 années sur 10 entre "
                         "{low} et {high}) pour <b>{available}</b> disponibles ({envelope} d'enveloppe, dont {fees} "
                         "de frais de gestion).",
        "h_recommendation": "Répartition recommandée (objectif : {objective} ; détail plus bas) : complément "
                            "d'État demandé {complementary}. {effect}",
        "h_recommendation_fees": "(dont {fees} de frais de gestion, retenus comme sur le reste de la subvention : "
                                 "{available} de plus pour les dossiers)",
        "h_recommendation_unpooled_never": "Mutualisées, les régions n'auraient eu besoin d'aucun complément ; "
                                           "région par région — chacune couvrant sa propre pointe —, il en faut "
                                           "un, car les crédits ne passent pas librement d'une région à "
                                           "l'autre.",
        "h_cash": "Trésorerie : OPCO 2i préfinance le fonds dans <b>{p}</b> des années simulées ; position la "
                  "plus basse {lowest} en médiane (détail plus bas).",
        "h_unmet": "Demande non satisfaite attendue : <b>{unmet}</b> au total.",
        "h_tail_unmet": "cette moyenne",
        "h_tail_additional_needed": "la moyenne de la dotation complémentaire",
        "h_tail_loose": "Mais {what} repose sur quelques années extrêmes : le 1 % des années simulées les plus "
                        "fortes en font {share} (forme de Pareto de la queue {shape}, au-delà de 0,25) ; son ± "
                        "n'est qu'un ordre de grandeur, et les quantiles sont plus sûrs.",
        "h_tail_heavy": "Mais {what} repose sur quelques années extrêmes : le 1 % des années simulées les plus "
                        "fortes en font {share} (forme de Pareto de la queue {shape}, au-delà de 0,5) ; son ± "
                        "sous-estime ce que d'autres années simulées changeraient : lisez les quantiles.",
        "h_regions": "Régions les plus exposées à un épuisement avant le {deadline} :",
        "h_any_region": "Au moins une région s'épuise avant le {deadline} dans {p} des années simulées ({se}).",
        "h_region": "<b>{name}</b> : {p} de risque — {when}",
        "h_median": "date médiane {date}",
        "h_median_if": "si elle s'épuise, date médiane {date}",
        "h_never": "jamais épuisée dans les années simulées",
        "never_short": "non épuisée",
        "h_no_region": "Aucune région ne dépasse {threshold} de risque d'épuisement avant le {deadline}.",
        "h_additional": "Probabilité qu'un complément de crédits soit nécessaire : <b>{p}</b> ; "
                        "montant qui suffit 9 années sur 10, les régions mutualisées : <b>{q90}</b>.",
        "h_recommendation_unpooled": "Région par région — chacune couvrant sa propre pointe —, ce complément dépasse le "
                                     "montant mutualisé ci-dessus, qui suppose que les crédits passent "
                                     "librement d'une région à l'autre.",
        "h_additional_never": "Aucune année simulée n'a eu besoin d'un complément de crédits.",
        "h_rules_kept_from": "ne changent plus à partir {month}",
        "h_rules_kept_year": "ne changent pas de l'année",
        "h_additional_by_jumps": "Si les règles {kept} (aucun saut du recours, "
                                 "{share} des années simulées) : {p_without} ; si elles changent au moins "
                                 "une fois : {p_with}.",
        "h_demand": "Demande nationale en fin d'année : médiane <b>{median}</b>, 9 années sur 10 entre {low} et "
                    "{high}.",
        "h_demand_assumptions": "Son incertitude vient des hypothèses tirées ({assumptions}) plus que du hasard "
                                "des dossiers ({dossiers})",
        "h_demand_dossiers": "Son incertitude vient du hasard des dossiers ({dossiers}) plus que des hypothèses "
                             "tirées ({assumptions})",
        "h_demand_sources": " ; à elles seules : {sources}",
        "spread_uptake": "niveau de recours",
        "spread_timing": "calendrier (part de l'année restant à venir)",
        "spread_drift": "dérive et sauts du recours",
        "spread_learnt_costs": "coûts et stagiaires par dossier après les réalisations (appris ou gardés)",
        "h_actuals": "Prévision au <b>{as_of}</b>, à partir des réalisations de {file} : {dossiers} dossiers "
                     "déposés en 2021 et {committed} engagés avant cette date (stock 2020 repris compris) ; la "
                     "suite de l'année est simulée.",
        "h_prior_ok": "Chaque mois observé reste dans ce que les hypothèses a priori du scénario permettaient.",
        "h_scenario_warnings": "<b>Alerte</b> : le chargement du scénario a donné ces avertissements (des unités "
                               "probablement erronées) ; les résultats ci-dessous reposent sur les valeurs telles "
                               "qu'écrites :",
        "h_national_actuals": "Les réalisations sont des totaux nationaux : la part de chaque région y est tirée, "
                              "dans chaque année simulée, selon le recours régional du scénario ; le détail "
                              "régional repose donc sur le scénario.",
        "h_national_past": "D'une année simulée à l'autre, la part d'une région dans les mois nationaux varie "
                           "d'environ ±{typical} (la moitié de l'intervalle à 90 % de son montant, autour de "
                           "sa moyenne ; de ±{low} à ±{high} selon la région).",
        "h_regions_alike": "Toutes les régions ont un risque d'épuisement voisin avant le {deadline} : de {low} à "
                           "{high}, des écarts dans le bruit de la simulation.",
        "h_regions_untold": "Le risque d'épuisement des régions avant le {deadline} va de {low} à {high} ; la "
                            "simulation repose sur trop peu de tirages a priori indépendants pour les départager.",
        "h_prior_outside": "<b>Alerte</b> : {months} hors de ce que les hypothèses a priori du scénario "
                           "permettaient (bande à 95\u202f%) : le scénario est probablement faux.",
        "h_prior_rare": "Seules {chance} des années que tirent ces hypothèses s'écartent autant.",
        "h_prior_by_chance": "{months} hors de ce que les hypothèses a priori du scénario permettaient (bande à "
                             "95\u202f%) ; {chance} des années qu'elles tirent s'écartent autant, un mois ou "
                             "l'autre : ce n'est pas, à soi seul, un signe que le scénario est faux.",
        "h_all_months": "l'ensemble des mois",
        "h_particles": "{effective} des {particles} tirages des hypothèses incertaines restent en jeu une fois "
                       "confrontés aux comptes mensuels.",
        "h_few_particles": "<b>Attention</b> : seuls {effective} des {particles} tirages des hypothèses "
                           "incertaines restent en jeu : la prévision repose sur peu d'hypothèses distinctes ; "
                           "davantage de tirages (<code>particles</code>) l'affineraient.",
        "learnt": "Ce que les réalisations ont changé",
        "learnt_intro": "Valeurs du scénario que les réalisations observées avant le {as_of} ont mises à jour ; "
                        "la prévision utilise la dernière colonne.",
        "learnt_columns": ["Hypothèse", "Scénario", "Observé", "Utilisé"],
        "learnt_trainees": "Stagiaires par dossier (moyenne)",
        "assumptions_learnt": "Le scénario tel qu'écrit ; les réalisations ont mis à jour les valeurs du tableau "
                              "précédent.",
        "h_precision": "Chaque chiffre est une estimation de Monte-Carlo ; sa précision figure en fin de rapport.",
        "fan_national": "Engagements cumulés, national",
        "fan_national_caption": "Chaque bande contient 10\u202f% des années simulées : la plus foncée encadre la "
                                "médiane (trait plein), les plus claires vont jusqu'aux déciles 10\u202f% et 90\u202f%. "
                                "Tirets : montant disponible au départ ; pointillés : fin des engagements ({deadline}). "
                                "Les engagements sont bruts : les sommes libérées par les abandons peuvent être "
                                "réengagées, si bien que le cumul peut dépasser le disponible.",
        "fan_regions": "Engagements cumulés, par région",
        "fan_regions_caption": "Même lecture, chaque région avec son disponible au départ (échelles différentes).",
        "fan_steering_note": " Avec le pilotage en cours d'exercice, les mouvements entre régions, la réserve et "
                             "le complément d'État changent ce disponible au fil de l'année : les engagements "
                             "peuvent dépasser la ligne.",
        "fan_steering_note_national": " Avec le pilotage en cours d'exercice, la réserve et le complément d'État "
                                      "changent le disponible national au fil de l'année : les engagements peuvent "
                                      "dépasser la ligne.",
        "no_trajectories": "Ce fichier a été produit avec <code>--no-trajectories</code> : il ne contient pas "
                           "les séries mensuelles, et les éventails ne peuvent pas être tracés. Relancer "
                           "<code>fnesim run … --out</code> sans cette option pour les obtenir.",
        "p_exhausted": "Probabilité d'épuisement, mois par mois",
        "p_exhausted_caption": "Part des années simulées où la région a refusé un premier dossier au plus "
                               "tard à la fin du mois.",
        "additional": "Complément de crédits nécessaire",
        "additional_caption": "Probabilité qu'un complément d'un montant donné suffise, les régions mises en "
                              "commun (les sommes libérées comptées). Probabilité qu'un complément soit "
                              "nécessaire : {p}.",
        "additional_table": ["Probabilité que le montant suffise", "Montant"],
        "recommendation": "Recommandation de répartition",
        "recommendation_intro": "Objectif : {objective}. Complément d'État demandé : {complementary}. "
                                "Chaque région (hors bornes) reçoit de quoi couvrir sa demande de pointe dans "
                                "{level} des années simulées.",
        "objective_expected_unmet": "minimiser la demande non satisfaite attendue",
        "objective_target_probability": "viser qu'aucune région ne s'épuise avant la date limite dans au moins "
                                        "{target} des années simulées",
        "recommendation_effect": "Effet, sur les mêmes années simulées : demande non satisfaite attendue {before} → "
                                 "{after} (écart {change} ± {se}) ; probabilité qu'aucune région ne s'épuise "
                                 "{p_before} → {p_after}.",
        "recommendation_total": "Total",
        "recommendation_held_out": "Sur {years} autres années simulées, qui n'ont pas servi à la choisir : écart "
                                   "{change} ± {se} ; probabilité qu'aucune région ne s'épuise {p_before} → "
                                   "{p_after}.",
        "recommendation_raised": "Le niveau a été relevé {raises} pour atteindre l'objectif : les enveloppes d'abord "
                                 "trouvées (complément de {first}) donnaient {p_first} une fois simulées ; les "
                                 "{extra} de plus en font {p_after}.",
        "recommendation_short": "<b>Objectif non atteint</b> ({p_after} pour {target}) : {reason}.",
        "short_reasons": {
            "the --max bounds stop the level from rising further":
                "les bornes --max empêchent le niveau de monter davantage",
            "the re-simulation still falls short": "la simulation reste en deçà après huit relèvements",
            "every region is at the largest peak demand the run simulated, and the carry-over and diagnostics the "
            "new envelopes draw still exhaust some":
                "chaque région est à la plus forte pointe de demande simulée, et le report de 2020 et les "
                "diagnostics que les nouvelles enveloppes attirent en épuisent encore",
        },
        "recommendation_no_error": "<b>La simulation n'a pas d'erreur type pour distinguer l'écart du bruit</b> "
                                   "(ses années reposent sur un seul tirage a priori) : rien ne montre que la "
                                   "recommandation fasse mieux que la répartition actuelle.",
        "recommendation_noise": "<b>L'écart est dans le bruit de la simulation</b> (moins de deux erreurs types, "
                                "ou contraire, sur les autres années) : rien ne montre que la recommandation "
                                "fasse mieux que la répartition actuelle.",
        "recommendation_columns": ["Région", "Enveloppe actuelle", "Recommandée", "Écart",
                                   "P(épuisement) avant → après", "Non satisfait attendu avant → après",
                                   "Date médiane d'épuisement avant → après"],
        "recommendation_available_columns": ["Région", "Disponible actuel", "Recommandé", "Écart"],
        "steering": "Pilotage en cours d'exercice",
        "steering_intro": "Ce que le pilotage en cours d'exercice apporte ou retire à chaque région : les "
                          "mouvements entre régions décidés par le comité ({moved} en moyenne par année simulée, "
                          "{moves} mouvements au total ; part des années où la région en a), la réserve nationale "
                          "(rendu moins retenu au départ) et le complément d'État. Montants moyens par année "
                          "simulée.",
        "steering_columns": ["Région", "Reçu (régions)", "Cédé (régions)", "Réserve", "État", "Solde (± erreur type)",
                             "Années avec mouvement"],
        "steering_reserve": "Réserve nationale : {held} retenus et {handed} rendus aux régions en moyenne ; le "
                            "reste, {kept}, n'est pas redistribué.",
        "steering_state": "Complément d'État : {mean} en moyenne par année ; obtenu dans {p} des années "
                          "({when_given} en moyenne quand il l'est).",
        "steering_no_state": "Aucun complément d'État dans les années simulées.",
        "steering_days": "Dates des mouvements (entre régions, réserve, État) : {days}.",
        "settlement": "Fin de la convention et revue financière",
        "settlement_intro": "La convention s'achève au dernier paiement (art. 7). Formations jusqu'au "
                            "{training_end} ; {rule}. Dernier paiement : {last} (médiane ; 90 % : {last_low} – "
                            "{last_high}). Payé : {paid} (90 % : {paid_low} – {paid_high}) ; revient à l'État "
                            "(disponible — après les mouvements éventuels et l'allocation complémentaire, au "
                            "niveau national avec la réserve non distribuée — moins payé) : {unspent} ; libéré après la date limite d'engagement, sans réengagement possible : {lapsed}.",
        "settlement_review": "Revue financière au {review} (art. 7, avant le 1er mars 2022) : engagé {committed}, "
                             "dont réalisé {realised} et payé {paid} ; {trainees} stagiaires engagés (moyennes).",
        "settlement_review_other": "État au {review} (date choisie ; la revue financière de l'art. 7 a lieu avant "
                                   "le 1er mars 2022) : engagé {committed}, dont réalisé {realised} et payé {paid} ; "
                                   "{trainees} stagiaires engagés (moyennes).",
        "settlement_rules": {"pro-rata": "une formation qui la dépasse est payée au prorata des jours réalisés",
                             "refuse": "une formation qui la dépasserait est refusée au dépôt",
                             "pay-in-full": "une formation qui la dépasse est payée en entier (comparaison seulement)"},
        "settlement_columns": ["Région", "Dernier paiement (médiane)", "Payé", "Payé 90 %", "Revient à l'État",
                               "Libéré après la date limite", "Payé à la revue"],
        "cash": "Trésorerie du fonds",
        "cash_intro": "Échéancier des versements de l'État à OPCO 2i, tel que le scénario le pose (la convention "
                      "financière n'est pas dans notre texte), sur {basis} disponibles pour les dossiers : {schedule}.",
        "cash_advance": "avance de {share} le {date}",
        "cash_tranche": "{share} («\u00a0{name}\u00a0») {when}",
        "cash_level": "quand {level} sont engagés (en fin de mois)",
        "cash_date": "le {date}",
        "cash_or": " ou ",
        "cash_join": "\u202f; ",
        "cash_lag": ", versés {days} jours plus tard",
        "cash_balance": "le solde, payé moins déjà versé, {days} jours après le dernier paiement",
        "cash_summary": "OPCO 2i préfinance le fonds (position de trésorerie négative en fin de mois) dans {p} des "
                        "années simulées. Position la plus basse : {lowest} en médiane (90 % : {low} – {high}), "
                        "atteinte en {month} (médiane).",
        "cash_caption": "En haut : versements cumulés de l'État et paiements cumulés aux entreprises (médianes, "
                        "bandes 5–95 %). En bas : leur différence, la trésorerie d'OPCO 2i pour le fonds ; sous "
                        "zéro, OPCO 2i avance l'argent. Pointillés : fin des engagements.",
        "assumptions": "Hypothèses du scénario",
        "precision": "Précision et provenance",
        "precision_intro": "Erreur type de Monte-Carlo (moyennes et probabilités) et intervalle de confiance "
                           "à {level} sans hypothèse de loi (quantiles et dates médianes) : ce qui resterait "
                           "d'incertitude due au nombre fini d'années simulées, non l'incertitude des "
                           "hypothèses.",
        "precision_columns": ["Chiffre", "Estimation", "Précision"],
        "metadata": "Provenance",
        "p_national_committed": "Engagements nationaux attendus",
        "p_national_unmet": "Demande non satisfaite attendue, national",
        "p_additional_p": "Probabilité qu'un complément soit nécessaire",
        "p_additional_mean": "Complément nécessaire, moyenne",
        "p_additional_q90": "Complément qui suffit 9 années sur 10",
        "precision_region_columns": ["Région", "P(épuisement)", "Erreur type", "Date médiane d'épuisement",
                                     "Intervalle"],
        "precision_conditional": "* Région épuisée dans moins de la moitié des années : date médiane parmi les "
                                 "années où elle s'épuise.",
        "interval": "[{low} ; {high}]",
        "meta": {
            "scenario": "Scénario", "sha": "Empreinte SHA-256 du scénario", "sources": "Fichiers sources",
            "replications": "Années simulées (réplications)", "seed": "Graine", "version": "Version de fnesim",
            "created": "Fichier produit le", "format": "Format du fichier", "policy": "Règle d'épuisement",
            "regenerate": "Pour régénérer ce rapport",
        },
        "assumption_columns": ["Hypothèse", "Valeur"],
        "a": {
            "envelope": "Enveloppe totale", "fees": "Frais de gestion", "window": "Période d'engagement",
            "policy": "Quand un dossier ne passe plus", "dossiers": "Dossiers attendus (national)",
            "dossiers_ratio": "{ratio} × le disponible, à {share} par dossier",
            "dossiers_art6": "{count} : le plan de l'art. 6, {pathways} parcours",
            "regional_dossiers": "Dossiers attendus fixés par région", "intake": "Clôture des dépôts",
            "intake_value": "{days} jours avant la fin des engagements",
            "ancillary": "Frais annexes (art. 2)",
            "ancillary_yes": "pris en charge au taux de l'art. 6 : une lecture du texte, qui pèse "
                             "(docs/model.md, section 8)",
            "ancillary_no": "à la charge de l'entreprise",
            "uptake": "Incertitude sur le recours (CV national ; régional ; corrélation)",
            "trainees": "Stagiaires par dossier", "cost": "Coût moyen par stagiaire",
            "cancel": "Annulations ; abandons (moyenne)", "carryover": "Stock 2020 repris",
            "carryover_value": "{count} dossiers de {mean} en moyenne",
            "diagnostics": "Diagnostics GPEC", "committees": "Comités de pilotage (convention)",
            "steering": "Pilotage simulé",
            "default": " (par défaut)",
            "categorical": "loi discrète",
            "trainees_mean": "moyenne {mean} ({law})",
            "events": "Événements", "uncertain": "Hypothèses incertaines (tirées à chaque année simulée)",
            "event_kinds": {"new-population": "nouvelle population", "step": "palier", "rush": "afflux avant l'échéance"},
            "uptake_moves": "recours qui dérive au hasard (écart type {drift} par mois) et saute (probabilité {jumps} "
                            "par mois, écart type du log {jump_sd})",
            "profile_moves": "calendrier des dépôts (inclinaison d'écart type {tilt}, concentration {concentration})",
            "cost_laws": {"lognormal": "loi lognormale", "fixed": "fixe"},
        },
        "policies": {"stop": "la région refuse tous les dossiers suivants",
                     "fill": "la région continue avec les dossiers qui tiennent encore",
                     "overcommit": "la région engage au-delà du disponible, jusqu'à {margin}"},
        "pathways": {"reconversion": "reconversion", "certifying": "certifiant",
                     "covid_specific": "compétences Covid", "anticipation": "anticipation"},
        "chart": {
            "committed": "Engagements cumulés", "available": "Disponible", "median": "Médiane",
            "band": "Déciles 10\u202f%–90\u202f%", "deadline": "Fin des engagements",
            "as_of": "Fin des réalisations observées",
            "p_axis": "Probabilité que le montant suffise", "amount_axis": "Complément",
            "p_colorbar": "P(épuisée à la fin du mois)",
            "disbursed": "Versé par l'État", "paid": "Payé aux entreprises", "basis": "Disponible (base)",
            "cumulative": "Cumulé", "position": "Trésorerie d'OPCO 2i", "cash_band": "{low}–{high} %",
            "prefinancing": "sous zéro : préfinancement",
            "low_value": "Valeur basse", "high_value": "Valeur haute", "two_se": "± 2 erreurs types",
            "low_high": "bas {low} · haut {high}", "first_order": "Premier ordre (seule)",
            "total_effect": "Effet total (avec interactions)", "interval": "Intervalle à {level}",
            "share_axis": "Part de la variance", "constant": "constante : pas d'indice",
            "p_additional_needed": "Probabilité qu'un complément soit nécessaire",
            "mean_national_demand_eur": "Demande nationale (moyenne)",
            "additional_needed_any": "Nécessité d'un complément",
            "national_demand_eur": "Demande nationale",
        },
        "generated": "Rapport produit par fnesim report",
        "sensitivity": "Quelles hypothèses comptent\u202f?",
        "s_top": "Ce qui pèse le plus sur la probabilité qu'un complément soit nécessaire : <b>{first}</b> "
                 "({first_share} de sa variance, interactions comprises) ; sur la demande nationale : "
                 "<b>{second}</b> ({second_share}).",
        "s_top_same": "Ce qui pèse le plus, sur la probabilité qu'un complément soit nécessaire ({first_share} de "
                      "sa variance, interactions comprises) comme sur la demande nationale ({second_share}) : "
                      "<b>{first}</b>.",
        "s_top_one": "Ce qui pèse le plus sur {output} : <b>{factor}</b> ({share} de sa variance, interactions "
                     "comprises).",
        "s_constant": "{output} est la même dans toutes les lignes simulées : aucun indice pour elle.",
        "s_outputs": {"additional_needed_any": "la probabilité qu'un complément soit nécessaire",
                      "national_demand_eur": "la demande nationale"},
        "s_constant_outputs": {"additional_needed_any": "La nécessité d'un complément",
                               "national_demand_eur": "La demande nationale"},
        "s_dossiers": "L'aléa des dossiers eux-mêmes, qu'aucune hypothèse mieux connue ne réduirait, représente {parts}.",
        "s_dossiers_part": {"national_demand_eur": "{share} de la variance de la demande nationale",
                            "additional_needed_any": "{share} de celle du besoin de complément"},
        "s_and": " et ",
        "s_tornado": "Prise seule entre ses valeurs basse et haute, c'est l'hypothèse « {parameter} » qui fait le "
                     "plus varier la probabilité qu'un complément soit nécessaire : de {low} à {high} (scénario : "
                     "{baseline}).",
        "s_unconverged": "<b>Attention : l'analyse n'a pas convergé.</b> Sur la première moitié de ses {rows} "
                         "lignes, {count} des {shown} indices montrés s'écartent de leur estimation sur toutes les "
                         "lignes de plus de deux fois la demi-largeur de leur intervalle. Il faut relancer l'analyse avec "
                         "plus de lignes avant d'en tirer des conclusions.",
        "tornado": "Une hypothèse à la fois",
        "tornado_caption": "Chaque hypothèse est placée seule à sa valeur basse (clair) puis haute (foncé), les "
                           "autres tirées comme dans le scénario ; trait vertical : le scénario tel quel ; "
                           "moustaches : ± 2 erreurs types de Monte-Carlo de l'écart au scénario. Valeurs basse et "
                           "haute : quantiles {low} et {high} de la loi de l'hypothèse, ou plage donnée (*). "
                           "Barres triées par largeur.",
        "tornado_more": " {count} autres hypothèses, d'effet moindre, ne sont pas montrées.",
        "sobol": "Part de la variance due à chaque hypothèse (indices de Sobol)",
        "sobol_caption": "Pour chaque résultat, la part de sa variance due à chaque hypothèse : seule (effet du "
                         "premier ordre, foncé) et avec ses interactions avec les autres (effet total, clair), "
                         "avec son intervalle à {level} (bootstrap). En gris : l'aléa des dossiers eux-mêmes "
                         "(arrivées, caractéristiques, vie des dossiers), à hypothèses fixées. Hachures : un groupe "
                         "d'hypothèses tirées ensemble{groups}. {rows} lignes de base ; premier ordre : Saltelli et "
                         "al. (2010), effet total : Jansen (1999).",
        "sobol_groups": " ({groups})",
        "sobol_group_members": "« {name} » : {members}",
        "factors": {"dossiers": "aléa des dossiers", "uptake": "niveau de recours",
                    "profile": "calendrier des dépôts", "drift": "dérive et sauts du recours"},
        "group": "groupe « {name} »",
        "correlated": "{label} et {count} hypothèse{plural} corrélée{plural}",
        "parameters": {
            "demand.arrivals.expected_dossiers": "Dossiers attendus",
            "demand.trainees.mean": "Stagiaires par dossier",
            "demand.lifecycle.cancellation_probability": "Taux d'annulation",
            "demand.lifecycle.dropout_mean": "Abandons (moyenne)",
            "demand.carryover.expected_dossiers": "Stock 2020 repris (dossiers)",
            "demand.diagnostics.expected_dossiers": "Diagnostics GPEC (dossiers)",
            "demand.cost_per_trainee.mean_eur": "Coût moyen par stagiaire",
        },
        "cost_pathway": "Coût par stagiaire, {pathway}",
        "event": {"expected_dossiers": "Événement « {name} » : dossiers", "factor": "Événement « {name} » : facteur",
                  "share": "Événement « {name} » : part"},
    },
    "en": {
        "title": "FNE-Formation 2021 — envelope consumption forecast",
        "subtitle": "Scenario “{scenario}” · {replications} simulated years · file {file}",
        "headline": "At a glance",
        "h_commitments": "Expected national commitments: <b>{committed}</b> (9 years out of 10 between {low} and "
                         "{high}) against <b>{available}</b> available ({envelope} envelope, of which {fees} "
                         "management fees).",
        "h_recommendation": "Recommended split (objective: {objective}; details below): complementary State "
                            "allocation asked for: {complementary}. {effect}",
        "h_recommendation_fees": "(of which {fees} management fees, withheld as from the rest of the subsidy: "
                                 "{available} more for dossiers)",
        "h_recommendation_unpooled_never": "Pooled, the regions would have needed no complement; region by "
                                           "region — each covering its own peak — they need one, since money "
                                           "does not move freely between regions.",
        "h_cash": "Cash: OPCO 2i pre-finances the fund in <b>{p}</b> of the simulated years; lowest position "
                  "{lowest} at the median (details below).",
        "h_unmet": "Expected unmet demand: <b>{unmet}</b> in all.",
        "h_tail_unmet": "this mean",
        "h_tail_additional_needed": "the mean additional allocation",
        "h_tail_loose": "But {what} rests on a few extreme years: the largest 1% of the simulated years make "
                        "{share} of it (its tail's Pareto shape is {shape}, above 0.25); its ± is only a rough "
                        "guide, and the quantiles are steadier.",
        "h_tail_heavy": "But {what} rests on a few extreme years: the largest 1% of the simulated years make "
                        "{share} of it (its tail's Pareto shape is {shape}, above 0.5); its ± understates how far "
                        "more simulated years would move it: read the quantiles.",
        "h_regions": "Regions most likely to be exhausted before {deadline}:",
        "h_any_region": "At least one region is exhausted before {deadline} in {p} of the simulated years ({se}).",
        "h_region": "<b>{name}</b>: {p} risk — {when}",
        "h_median": "median date {date}",
        "h_median_if": "if exhausted, median date {date}",
        "h_never": "never exhausted in the simulated years",
        "never_short": "not exhausted",
        "h_no_region": "No region has more than {threshold} risk of exhaustion before {deadline}.",
        "h_additional": "Probability that an additional allocation is needed: <b>{p}</b>; amount enough in "
                        "9 years out of 10, the regions pooled: <b>{q90}</b>.",
        "h_recommendation_unpooled": "Region by region — each covering its own peak — this is more than the "
                                     "pooled amount above, which supposes money moves freely between regions.",
        "h_additional_never": "No simulated year needed an additional allocation.",
        "h_rules_kept_from": "do not change again from {month}",
        "h_rules_kept_year": "do not change during the year",
        "h_additional_by_jumps": "If the rules {kept} (no jump of uptake, {share} of "
                                 "simulated years): {p_without}; if they change at least once: {p_with}.",
        "h_demand": "Year-end national demand: median <b>{median}</b>, 9 years out of 10 between {low} and "
                    "{high}.",
        "h_demand_assumptions": "Its uncertainty comes from the assumptions drawn ({assumptions}) more than from "
                                "the dossiers' own randomness ({dossiers})",
        "h_demand_dossiers": "Its uncertainty comes from the dossiers' own randomness ({dossiers}) more than from "
                             "the assumptions drawn ({assumptions})",
        "h_demand_sources": "; alone: {sources}",
        "spread_uptake": "uptake level",
        "spread_timing": "timing (share of the year still to come)",
        "spread_drift": "drift and jumps of uptake",
        "spread_learnt_costs": "costs and trainees per dossier after the actuals (learnt or kept)",
        "h_actuals": "Forecast as of <b>{as_of}</b>, from the actuals in {file}: {dossiers} dossiers filed in "
                     "2021 and {committed} committed before that day (the 2020 carry-over included); the rest of "
                     "the year is simulated.",
        "h_prior_ok": "Every month observed lies within what the scenario's prior allowed.",
        "h_scenario_warnings": "<b>Warning</b>: loading the scenario gave these warnings (likely slips of units); "
                               "the results below rest on the values as written:",
        "h_national_actuals": "The actuals are national totals: each region's part of them is drawn, in each "
                              "simulated year, from the scenario's regional take-up; the regional detail rests on "
                              "the scenario.",
        "h_national_past": "From one simulated year to another, a region's part of the national months varies "
                           "by about ±{typical} (half the 90% range of its amount, about its mean; from ±{low} to "
                           "±{high} by region).",
        "h_regions_alike": "Every region has a similar risk of exhaustion before {deadline}: from {low} to {high}, "
                           "differences within the simulation's noise.",
        "h_regions_untold": "The regions' risk of exhaustion before {deadline} ranges from {low} to {high}; the "
                            "simulation rests on too few independent prior draws to tell them apart.",
        "h_prior_outside": "<b>Warning</b>: {months} outside what the scenario's prior allowed (95% band): the "
                           "scenario is probably wrong.",
        "h_prior_rare": "Only {chance} of the years its prior draws stray this far.",
        "h_prior_by_chance": "{months} outside what the scenario's prior allowed (95% band); {chance} of the "
                             "years it draws stray as far in some month: by itself, not a sign that the scenario "
                             "is wrong.",
        "h_all_months": "all months together",
        "h_particles": "{effective} of the {particles} draws of the uncertain assumptions remain in effect once "
                       "weighed against the monthly counts.",
        "h_few_particles": "<b>Caution</b>: only {effective} of the {particles} draws of the uncertain assumptions "
                           "remain in effect: the forecast rests on few distinct assumptions; more draws "
                           "(<code>particles</code>) would refine it.",
        "learnt": "What the actuals changed",
        "learnt_intro": "The scenario's values that the actuals observed before {as_of} updated; the forecast "
                        "uses the last column.",
        "learnt_columns": ["Assumption", "Scenario", "Observed", "Used"],
        "learnt_trainees": "Trainees per dossier (mean)",
        "assumptions_learnt": "The scenario as written; the actuals updated the values of the previous table.",
        "h_precision": "Every figure is a Monte-Carlo estimate; its precision is given at the end.",
        "fan_national": "Cumulative commitments, national",
        "fan_national_caption": "Each band holds 10% of the simulated years: the darkest one surrounds the "
                                "median (solid line), the lightest reach the 10% and 90% deciles. Dashed: "
                                "the amount available at the start; dotted: end of commitments ({deadline}). Commitments are "
                                "gross: amounts released by drop-outs may be committed again, so the total can "
                                "exceed the available amount.",
        "fan_regions": "Cumulative commitments, by region",
        "fan_regions_caption": "Same reading, each region with its own amount available at the start (scales "
                               "differ).",
        "fan_steering_note": " With in-year steering, moves between regions, the reserve and the complementary "
                             "State allocation change that amount during the year: commitments may pass the line.",
        "fan_steering_note_national": " With in-year steering, the reserve and the complementary State allocation "
                                      "change the national amount during the year: commitments may pass the line.",
        "no_trajectories": "This file was written with <code>--no-trajectories</code>: it holds no monthly "
                           "series, so the fan charts cannot be drawn. Rerun <code>fnesim run … --out</code> "
                           "without that option to get them.",
        "p_exhausted": "Probability of exhaustion, month by month",
        "p_exhausted_caption": "Share of the simulated years in which the region had refused a first dossier "
                               "by the end of the month.",
        "additional": "Additional allocation needed",
        "additional_caption": "Probability that an additional allocation of a given amount is enough, the "
                              "regions pooled (released amounts counted). Probability that one is needed: {p}.",
        "additional_table": ["Probability that the amount is enough", "Amount"],
        "recommendation": "Recommended split",
        "recommendation_intro": "Objective: {objective}. Complementary State allocation asked for: "
                                "{complementary}. Each region not held at a bound receives enough to cover its "
                                "peak demand in {level} of the simulated years.",
        "objective_expected_unmet": "minimise the expected unmet demand",
        "objective_target_probability": "aim for no region exhausted before the deadline in at least {target} of "
                                        "the simulated years",
        "recommendation_effect": "Effect, on the same simulated years: expected unmet demand {before} → {after} "
                                 "(change {change} ± {se}); probability that no region is exhausted "
                                 "{p_before} → {p_after}.",
        "recommendation_total": "Total",
        "recommendation_held_out": "On {years} other simulated years, not used to choose it: change {change} ± "
                                   "{se}; probability that no region is exhausted {p_before} → {p_after}.",
        "recommendation_raised": "The level was raised {raises} to reach the target: the envelopes first found "
                                 "(complement of {first}) gave {p_first} once simulated; the {extra} more make "
                                 "it {p_after}.",
        "recommendation_short": "<b>Target not reached</b> ({p_after} for {target}): {reason}.",
        "short_reasons": {},
        "recommendation_no_error": "<b>The simulation has no standard error to tell the change from noise</b> (its "
                                   "years share one prior draw): nothing shows that the recommendation does better "
                                   "than the current split.",
        "recommendation_noise": "<b>The change is within the simulation's noise</b> (under two standard errors, or "
                                "against it, on the other years): nothing shows that the recommendation does "
                                "better than the current split.",
        "recommendation_columns": ["Region", "Envelope now", "Recommended", "Change",
                                   "P(exhausted) before → after", "Expected unmet before → after",
                                   "Median exhaustion before → after"],
        "recommendation_available_columns": ["Region", "Available now", "Recommended", "Change"],
        "steering": "In-year steering",
        "steering_intro": "What in-year steering gives each region or takes from it: the moves between regions "
                          "the committee decides ({moved} a simulated year on average, {moves} moves in all; the share "
                          "of years in which the region has one), the national reserve (handed out less held back "
                          "at the start) and the complementary State allocation. Mean amounts per simulated year.",
        "steering_columns": ["Region", "Received (regions)", "Given (regions)", "Reserve", "State", "Net (± s.e.)",
                             "Years with a move"],
        "steering_reserve": "National reserve: {held} held back and {handed} handed out to the regions on "
                            "average; the rest, {kept}, is not handed out.",
        "steering_state": "Complementary State allocation: {mean} on average per year; obtained in {p} of the "
                          "years ({when_given} on average when it is).",
        "steering_no_state": "No complementary State allocation in the simulated years.",
        "steering_days": "Days of the moves (between regions, reserve, State): {days}.",
        "settlement": "End of the convention and financial review",
        "settlement_intro": "The convention ends with its last payment (art. 7). Training until {training_end}; "
                            "{rule}. Last payment: {last} (median; 90%: {last_low} – {last_high}). Paid: {paid} "
                            "(90%: {paid_low} – {paid_high}); back to the State (available — after any moves "
                            "and complementary allocation, nationally with the reserve left unused — less paid): "
                            "{unspent}; "
                            "lapsed after the commitment deadline: {lapsed}.",
        "settlement_review": "Financial review on {review} (art. 7, before 1 March 2022): committed {committed}, of "
                             "which realised {realised} and paid {paid}; {trainees} trainees committed (means).",
        "settlement_review_other": "Position on {review} (the date chosen; art. 7's financial review takes place "
                                   "before 1 March 2022): committed {committed}, of which realised {realised} and "
                                   "paid {paid}; {trainees} trainees committed (means).",
        "settlement_rules": {"pro-rata": "a training that runs past it is paid pro rata of its days done",
                             "refuse": "a training that would run past it is refused when filed",
                             "pay-in-full": "a training that runs past it is paid in full (comparison only)"},
        "settlement_columns": ["Region", "Last payment (median)", "Paid", "Paid 90%", "Back to the State",
                               "Lapsed", "Paid at the review"],
        "cash": "Cash of the fund",
        "cash_intro": "The State's payments to OPCO 2i as the scenario states them (the financial convention is not "
                      "in our text), on {basis} available for dossiers: {schedule}.",
        "cash_advance": "an advance of {share} on {date}",
        "cash_tranche": "{share} (\u201c{name}\u201d) {when}",
        "cash_level": "when {level} is committed (at a month's end)",
        "cash_date": "on {date}",
        "cash_or": " or ",
        "cash_join": "; ",
        "cash_lag": ", paid {days} days later",
        "cash_balance": "the balance, paid less already disbursed, {days} days after the last payment",
        "cash_summary": "OPCO 2i pre-finances the fund (a negative cash position at a month's end) in {p} of the "
                        "simulated years. Lowest position: {lowest} at the median (90%: {low} – {high}), reached in "
                        "{month} (median).",
        "cash_caption": "Above: the State's cumulative disbursements and the cumulative payments to companies "
                        "(medians, 5–95% bands). Below: their difference, OPCO 2i's cash for the fund; below zero, "
                        "OPCO 2i advances the money. Dotted: end of commitments.",
        "assumptions": "Scenario assumptions",
        "precision": "Precision and provenance",
        "precision_intro": "Monte-Carlo standard error (means and probabilities) and distribution-free "
                           "{level} confidence interval (quantiles and median dates): the uncertainty left by "
                           "simulating a finite number of years, not the uncertainty of the assumptions.",
        "precision_columns": ["Figure", "Estimate", "Precision"],
        "metadata": "Provenance",
        "p_national_committed": "Expected national commitments",
        "p_national_unmet": "Expected unmet demand, national",
        "p_additional_p": "Probability that an additional allocation is needed",
        "p_additional_mean": "Additional allocation needed, mean",
        "p_additional_q90": "Additional allocation enough 9 years out of 10",
        "precision_region_columns": ["Region", "P(exhausted)", "Standard error", "Median exhaustion date",
                                     "Interval"],
        "precision_conditional": "* Region exhausted in fewer than half of the years: median date among the "
                                 "years in which it is.",
        "interval": "[{low}, {high}]",
        "meta": {
            "scenario": "Scenario", "sha": "Scenario SHA-256", "sources": "Source files",
            "replications": "Simulated years (replications)", "seed": "Seed", "version": "fnesim version",
            "created": "File written", "format": "File format", "policy": "Exhaustion policy",
            "regenerate": "To regenerate this report",
        },
        "assumption_columns": ["Assumption", "Value"],
        "a": {
            "envelope": "Total envelope", "fees": "Management fees", "window": "Commitment window",
            "policy": "When a dossier no longer fits", "dossiers": "Expected dossiers (national)",
            "dossiers_ratio": "{ratio} × the available amount, at {share} per dossier",
            "dossiers_art6": "{count}: art. 6's plan, {pathways} pathways",
            "regional_dossiers": "Expected dossiers set per region", "intake": "Intake closes",
            "intake_value": "{days} days before commitments end",
            "ancillary": "Ancillary costs (art. 2)",
            "ancillary_yes": "covered at the art. 6 rate: a reading of the text, and one that matters "
                             "(docs/model.md, section 8)",
            "ancillary_no": "paid by the company",
            "uptake": "Uptake uncertainty (national CV; regional CV; correlation)",
            "trainees": "Trainees per dossier", "cost": "Mean cost per trainee",
            "cancel": "Cancellations; drop-outs (mean)", "carryover": "2020 stock taken over",
            "carryover_value": "{count} dossiers of {mean} on average",
            "diagnostics": "GPEC diagnostics", "committees": "Steering committees (convention)",
            "steering": "Steering simulated",
            "default": " (default)",
            "categorical": "categorical",
            "trainees_mean": "mean {mean} ({law})",
            "events": "Policy events", "uncertain": "Uncertain assumptions (drawn each simulated year)",
            "event_kinds": {"new-population": "new population", "step": "step", "rush": "rush before the deadline"},
            "uptake_moves": "uptake drifting at random (sd {drift} a month) and jumping (probability {jumps} a month, "
                            "log sd {jump_sd})",
            "profile_moves": "timing of filings (tilt sd {tilt}, concentration {concentration})",
            "cost_laws": {"lognormal": "lognormal", "fixed": "fixed"},
        },
        "policies": {"stop": "the region refuses every later dossier",
                     "fill": "the region keeps committing the dossiers that still fit",
                     "overcommit": "the region commits beyond its available amount, up to {margin}"},
        "pathways": {"reconversion": "reconversion", "certifying": "certifying",
                     "covid_specific": "Covid-specific", "anticipation": "anticipation"},
        "chart": {
            "committed": "Cumulative commitments", "available": "Available", "median": "Median",
            "band": "Deciles 10%–90%", "deadline": "End of commitments",
            "as_of": "End of the actuals observed",
            "p_axis": "Probability that the amount is enough", "amount_axis": "Additional allocation",
            "p_colorbar": "P(exhausted by month end)",
            "disbursed": "Disbursed by the State", "paid": "Paid to companies", "basis": "Available (basis)",
            "cumulative": "Cumulative", "position": "OPCO 2i's cash", "cash_band": "{low}–{high}%",
            "prefinancing": "below zero: pre-financing",
            "low_value": "Low value", "high_value": "High value", "two_se": "± 2 standard errors",
            "low_high": "low {low} · high {high}", "first_order": "First order (alone)",
            "total_effect": "Total effect (with interactions)", "interval": "{level} interval",
            "share_axis": "Share of the variance", "constant": "constant: no index",
            "p_additional_needed": "Probability that an additional allocation is needed",
            "mean_national_demand_eur": "National demand (mean)",
            "additional_needed_any": "Need for an additional allocation",
            "national_demand_eur": "National demand",
        },
        "generated": "Report written by fnesim report",
        "sensitivity": "Which assumptions matter",
        "s_top": "What weighs most on the probability that an additional allocation is needed: <b>{first}</b> "
                 "({first_share} of its variance, interactions included); on national demand: <b>{second}</b> "
                 "({second_share}).",
        "s_top_same": "What weighs most, on the probability that an additional allocation is needed "
                      "({first_share} of its variance, interactions included) as on national demand "
                      "({second_share}): <b>{first}</b>.",
        "s_top_one": "What weighs most on {output}: <b>{factor}</b> ({share} of its variance, interactions "
                     "included).",
        "s_constant": "{output} is the same in every simulated row: no index for it.",
        "s_outputs": {"additional_needed_any": "the probability that an additional allocation is needed",
                      "national_demand_eur": "national demand"},
        "s_constant_outputs": {"additional_needed_any": "The need for an additional allocation",
                               "national_demand_eur": "National demand"},
        "s_dossiers": "The randomness of the dossiers themselves, which no better-known assumption would reduce, "
                      "accounts for {parts}.",
        "s_dossiers_part": {"national_demand_eur": "{share} of the variance of national demand",
                            "additional_needed_any": "{share} of that of the need for an additional allocation"},
        "s_and": " and ",
        "s_tornado": "Taken alone between its low and high values, the assumption “{parameter}” moves the "
                     "probability that an additional allocation is needed most: from {low} to {high} (scenario: "
                     "{baseline}).",
        "s_unconverged": "<b>Warning: the analysis has not converged.</b> On the first half of its {rows} rows, "
                         "{count} of the {shown} indices shown differ from their estimate on all rows by more than "
                         "twice their interval's half-width. It needs to be run again with more rows before any "
                         "conclusion is drawn.",
        "tornado": "One assumption at a time",
        "tornado_caption": "Each assumption is set alone to its low (light) then high (dark) value, the others drawn "
                           "as in the scenario; vertical line: the scenario as it is; whiskers: ± 2 Monte-Carlo "
                           "standard errors of the difference from the scenario. Low and high values: the {low} and "
                           "{high} quantiles of the assumption's distribution, or a range given (*). Bars sorted by "
                           "width.",
        "tornado_more": " {count} other assumptions, of smaller effect, are not shown.",
        "sobol": "Share of the variance due to each assumption (Sobol indices)",
        "sobol_caption": "For each outcome, the share of its variance due to each assumption: alone (first-order "
                         "effect, dark) and with its interactions with the others (total effect, light), with its "
                         "{level} interval (bootstrap). Grey: the randomness of the dossiers themselves (arrivals, "
                         "attributes, life cycle), the assumptions given. Hatched: a group of assumptions drawn "
                         "together{groups}. {rows} base rows; first order: Saltelli et al. (2010), total effect: "
                         "Jansen (1999).",
        "sobol_groups": " ({groups})",
        "sobol_group_members": "“{name}”: {members}",
        "factors": {"dossiers": "randomness of the dossiers", "uptake": "uptake level",
                    "profile": "timing of filings", "drift": "drift and jumps of uptake"},
        "group": "group “{name}”",
        "correlated": "{label} and {count} correlated",
        "parameters": {
            "demand.arrivals.expected_dossiers": "Expected dossiers",
            "demand.trainees.mean": "Trainees per dossier",
            "demand.lifecycle.cancellation_probability": "Cancellation rate",
            "demand.lifecycle.dropout_mean": "Drop-outs (mean)",
            "demand.carryover.expected_dossiers": "2020 stock taken over (dossiers)",
            "demand.diagnostics.expected_dossiers": "GPEC diagnostics (dossiers)",
            "demand.cost_per_trainee.mean_eur": "Mean cost per trainee",
        },
        "cost_pathway": "Cost per trainee, {pathway}",
        "event": {"expected_dossiers": "Event “{name}”: dossiers", "factor": "Event “{name}”: factor",
                  "share": "Event “{name}”: share"},
    },
}


def french_spacing(text):
    """French typography for the texts above: no-break spaces before « : » and inside « », narrow ones before
    « ; » and « % », and in « 1er mars », so that no line starts with a colon or a percent sign."""
    if isinstance(text, dict):
        return {key: french_spacing(value) for key, value in text.items()}
    if isinstance(text, list):
        return [french_spacing(value) for value in text]
    for plain, spaced in ((" :", NBSP + ":"), (" ;", NNBSP + ";"), (" %", NNBSP + "%"), ("« ", "«" + NBSP),
                          (" »", NBSP + "»"), ("1er mars 2022", f"1er{NBSP}mars{NBSP}2022")):
        text = text.replace(plain, spaced)
    return text


TEXT["fr"] = french_spacing(TEXT["fr"])


# ---------------------------------------------------------------------------
# Statistics, as docs/hdf5-format.md defines them.

def inverted_cdf_index(count, percent):
    """0-based index in sorted values of the smallest value with at least percent % at or below it."""
    return max(1, (percent * count + 99) // 100) - 1


def mean_standard_error(values, clusters=None):
    """The Monte-Carlo standard error of a mean over the replications, as fnesim gives its own
    (sim/statistics.hpp): sd/√n, or, when the replications share a forecast's prior draws, clustered by
    draw; NaN from fewer than two replications or draws."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if clusters is None or len(clusters) != n:
        return float(x.std(ddof=1) / math.sqrt(n)) if n >= 2 else math.nan
    labels, index = np.unique(clusters, return_inverse=True)
    g = len(labels)
    if g < 2:
        return math.nan
    residual = np.bincount(index, weights=x - x.mean(), minlength=g)
    return math.sqrt(g / (g - 1) * float((residual ** 2).sum())) / n


def quantile_interval(values, probability, level, clusters=None):
    """Distribution-free interval for a quantile from order statistics (Conover 1999, §3.2,
    normal approximation to the binomial ranks): (low, high), or None for too few values.
    With clusters (a forecast's replications sharing prior draws, format 1.9), the ranks' spread is the
    clustered standard error of the share of values at or below the quantile (Woodruff 1952), as the run's
    means are clustered: independent replications would make the interval too narrow."""
    n = len(values)
    if n < 20:
        return None
    order = np.argsort(values, kind="stable")
    sorted_values = np.asarray(values)[order]
    z = NormalDist().inv_cdf(0.5 + level / 2)
    spread = z * math.sqrt(n * probability * (1 - probability))
    if clusters is not None and len(clusters) == n:
        below = (np.asarray(values) <= sorted_values[inverted_cdf_index(n, round(probability * 100))]).astype(float)
        share_se = mean_standard_error(below, clusters)
        if math.isnan(share_se):  # one draw: no spread to measure
            return None
        spread = z * n * share_se
    low = max(1, math.floor(n * probability - spread))
    high = min(n, math.ceil(n * probability + spread))
    return sorted_values[low - 1], sorted_values[high - 1]


# ---------------------------------------------------------------------------
# Reading the run file.

@dataclass
class Fan:
    month_ends: list  # day offsets (from the commitment start) of the shown months' ends
    national: "np.ndarray"  # len(FAN_PERCENTS) × months, EUR
    regional: "np.ndarray"  # regions × len(FAN_PERCENTS) × months, EUR


@dataclass
class Run:
    path: str
    attrs: dict
    codes: list
    names: list
    available: "np.ndarray"  # EUR per region
    national_envelope: float
    national_available: float
    national_fees: float
    start: datetime.date
    window_days: int
    months: list  # first day of each month of /summary/month
    summary: dict  # /summary/regions/<name> and /summary/national/<name> → values
    exhaustion_day: "np.ndarray"  # replication × region, -1 = never
    additional_needed: "np.ndarray"  # EUR per replication
    committed: "np.ndarray"  # EUR per replication, national
    resolved_toml: str
    source_files: list
    day_percentiles: list  # of /summary/regions/exhaustion_day_quantiles
    amount_percentiles: list  # of the amount quantiles
    fan: Fan = None
    recommendation: dict = None
    steering: dict = None
    spread: tuple = None  # (assumption names, r², dossiers' share): format 1.2
    settlement: dict = None  # /summary/settlement: format 1.3
    cash: dict = None  # /financing and /summary/financing: format 1.4, scenarios with [financing]
    sensitivity: dict = None  # /sensitivity: format 1.5, `fnesim sensitivity`
    actuals: dict = None  # /actuals: a forecast from actuals (format 1.1)
    by_jumps: dict = None  # P(additional needed) with and without jumps of uptake: format 1.6
    tails: dict = None  # national mean -> (Pareto shape or NaN, top 1 % share): format 1.8
    # Format 1.9: a forecast's replications by the prior draw they share (/uncertainty/particle_source of
    # /uncertainty/particle), by which intervals are clustered; None: independent replications.
    clusters: "np.ndarray" = None
    scenario_warnings: list = None  # what loading the scenario warned of: format 1.7

    @property
    def as_of_day(self):
        """Days from the commitment start to a forecast's cut-off, the first day simulated; None without actuals."""
        return None if self.actuals is None else (self.actuals["as_of"] - self.start).days

    @property
    def last_commitment_day(self):
        return self.start + datetime.timedelta(days=self.window_days - 1)

    def date(self, day):
        return self.start + datetime.timedelta(days=int(day))

    def shown_months(self):
        """Months that hold commitment days: from the start to the deadline's month."""
        return sum(1 for m in self.months if m <= self.last_commitment_day)


def read(f, path, name):
    if path not in f:
        raise UserError(f"{name}: /{path} is missing: not a complete fnesim run file")
    return f[path][()]


def read_strings(f, path, name):
    if path not in f:
        raise UserError(f"{name}: /{path} is missing: not a complete fnesim run file")
    return list(text_of(f[path])[()])


def text_of(dataset):
    """A string dataset as text: a file name that is not UTF-8 (the run's scenario may have one) as \\xNN
    escapes, as shown() writes it, rather than an error."""
    return dataset.asstr(errors="backslashreplace")


def parse_month(label, name):
    try:
        return datetime.date.fromisoformat(label + "-01")
    except ValueError:
        raise UserError(f"{name}: month '{label}' is not YYYY-MM") from None


def open_run_file(path):
    if not os.path.exists(path):
        raise UserError(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except OSError as error:
        raise UserError(f"{path}: not an HDF5 file ({error})") from None


def check_identity(f, name):
    """The file's type and major version come first: docs/hdf5-format.md, "Versioning"."""
    filetype = f.attrs.get("filetype")
    if filetype != "fnesim-results":
        raise UserError(f"{name}: not an fnesim results file (filetype {filetype!r})")
    version = [int(v) for v in f.attrs.get("format_version", [])]
    if len(version) != 2:
        raise UserError(f"{name}: format_version is not [major, minor]")
    if version[0] != FORMAT_MAJOR:
        raise UserError(f"{name}: format version {version[0]}.{version[1]}, but this report reads format "
                        f"{FORMAT_MAJOR}.x only")


def load_run(path):
    try:
        return read_run(path)
    except (OSError, KeyError) as error:  # a damaged file: h5py's own words
        raise UserError(f"{path}: cannot be read ({error})") from None


def require_attributes(attrs, keys, path, where):
    for key in keys:
        if key not in attrs:
            raise UserError(f"{path}: {where} attribute {key} is missing")


def attribute_text(value):
    """A string attribute as h5py returns it: str, or bytes for a fixed-length one."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def times_text(count, lang):
    """How many times, in words for the first two: "once", "deux fois", "3 times"."""
    words = {"fr": ("une fois", "deux fois", "{n} fois"), "en": ("once", "twice", "{n} times")}[lang]
    return words[count - 1] if count <= 2 else words[2].format(n=count)


def date_attribute(attrs, key, path, where=""):
    try:
        return datetime.date.fromisoformat(str(attrs[key]))
    except ValueError:
        raise UserError(f"{path}: {where}{key} is not a date") from None


def read_run(path):
    with open_run_file(path) as f:
        check_identity(f, path)
        attrs = {key: f.attrs[key] for key in f.attrs}
        require_attributes(attrs, ("commitment_start", "window_days", "replications", "seed", "scenario_name"), path,
                           "root")
        start = date_attribute(attrs, "commitment_start", path)
        codes = read_strings(f, "regions/code", path)
        summary = {}
        for group in ("summary/regions", "summary/national"):
            if group not in f:
                raise UserError(f"{path}: /{group} is missing: not a complete fnesim run file")
            for key, dataset in f[group].items():
                summary[f"{group.split('/')[1]}/{key}"] = dataset[()]
        exhaustion_day = read(f, "replications/exhaustion_day", path)
        if exhaustion_day.ndim != 2 or exhaustion_day.shape[1] != len(codes):
            raise UserError(f"{path}: /replications/exhaustion_day is not replication × region")
        run = Run(
            path=path, attrs=attrs, codes=codes, names=read_strings(f, "regions/name", path),
            available=read(f, "regions/available_cents", path) / 100.0,
            national_envelope=read(f, "summary/national/envelope_cents", path) / 100.0,
            national_available=read(f, "summary/national/available_cents", path) / 100.0,
            national_fees=read(f, "summary/national/fees_cents", path) / 100.0,
            start=start, window_days=int(attrs["window_days"]),
            months=[parse_month(m, path) for m in read_strings(f, "summary/month", path)],
            summary=summary, exhaustion_day=exhaustion_day,
            additional_needed=read(f, "replications/national/additional_needed_cents", path) / 100.0,
            committed=read(f, "replications/national/committed_cents", path) / 100.0,
            resolved_toml=str(text_of(f["scenario/resolved_toml"])[()]) if "scenario/resolved_toml" in f else "",
            source_files=read_strings(f, "scenario/source_files", path),
            day_percentiles=[int(p) for p in read(f, "summary/day_percentiles", path)],
            amount_percentiles=[int(p) for p in read(f, "summary/amount_percentiles", path)],
        )
        if "uncertainty/particle_source" in f and "uncertainty/particle" in f:
            sources = read(f, "uncertainty/particle_source", path)
            picked = read(f, "uncertainty/particle", path)
            if picked.shape != (len(run.additional_needed),) or picked.min(initial=0) < 0 or \
                    picked.max(initial=0) >= len(sources):
                raise UserError(f"{path}: /uncertainty/particle does not index /uncertainty/particle_source")
            run.clusters = sources[picked]
        if 50 not in run.day_percentiles or not set(MARKED_PERCENTS) <= set(run.amount_percentiles):
            raise UserError(f"{path}: /summary lists other percentiles than format 1 defines")
        for key in ("regions/p_exhausted_mean", "regions/p_exhausted_se", "regions/exhaustion_day_quantiles",
                    "regions/p_exhausted_by_month_end", "national/committed_mean_eur",
                    "national/committed_se_eur", "national/unmet_mean_eur", "national/unmet_se_eur",
                    "national/p_additional_needed_mean", "national/p_additional_needed_se",
                    "national/additional_needed_mean_eur", "national/additional_needed_se_eur",
                    "national/additional_needed_quantiles_cents"):
            if key not in summary:
                raise UserError(f"{path}: /summary/{key} is missing: not a complete fnesim run file")
        if "trajectories/monthly_commitments_cents" in f:
            run.fan = read_fan(f["trajectories/monthly_commitments_cents"], run)
        if "recommendation" in f:
            run.recommendation = read_recommendation(f["recommendation"], run)
        if "steering" in f:
            run.steering = read_steering(f["steering"], run)
        if "summary/settlement" in f:  # format 1.3
            g = f["summary/settlement"]
            run.settlement = {key: (text_of(g[key])[()] if h5py.check_string_dtype(g[key].dtype) else g[key][()])
                              for key in g}
        if "financing" in f and "summary/financing" in f:  # format 1.4, scenarios with [financing]
            run.cash = {f"{prefix}{key}": (text_of(g[key])[()] if h5py.check_string_dtype(g[key].dtype) else g[key][()])
                        for prefix, g in (("", f["financing"]), ("summary/", f["summary/financing"]))
                        for key in g if key not in ("monthly_disbursements_cents", "minimum_position_cents",
                                                    "minimum_position_month")}
            if list(run.cash["summary/series"]) != CASH_SERIES:
                raise UserError(f"{path}: /summary/financing lists other series than format 1.4 defines")
        if "sensitivity" in f:  # format 1.5, written by `fnesim sensitivity`
            run.sensitivity = read_sensitivity(f["sensitivity"], run)
        if "actuals" in f:  # format 1.1: a forecast from actuals
            run.actuals = read_actuals(f, path)
        if "summary/spread" in f and "national/demand_quantiles_cents" in summary:  # format 1.2
            run.spread = (read_strings(f, "summary/spread/assumption", path),
                          np.asarray(read(f, "summary/spread/r_squared", path)),
                          float(read(f, "summary/spread/dossiers_share", path)),
                          float(read(f, "summary/spread/demand_sd_eur", path)))
        if "summary/spread/replications_without_jumps" in f:  # format 1.6, uptake that may jump
            g = f["summary/spread"]
            run.by_jumps = {key: float(read(f, f"summary/spread/{key}", path)) for key in (
                "replications_without_jumps", "replications_with_jumps", "p_additional_needed_without_jumps",
                "p_additional_needed_without_jumps_se", "p_additional_needed_with_jumps",
                "p_additional_needed_with_jumps_se")}
            run.by_jumps["first_month"] = parse_month(str(g.attrs.get("first_jump_month", "")), path)
        if "scenario/warnings" in f:  # format 1.7
            run.scenario_warnings = read_strings(f, "scenario/warnings", path)
        if "summary/spread/tail_quantity" in f:  # format 1.8
            shapes = np.asarray(read(f, "summary/spread/tail_pareto_k", path), dtype=float)
            shares = np.asarray(read(f, "summary/spread/tail_top_percent_share", path), dtype=float)
            run.tails = {name: (float(k), float(share)) for name, k, share in
                         zip(read_strings(f, "summary/spread/tail_quantity", path), shapes, shares)}
        return run


def read_fan(dataset, run):
    """Deciles of cumulative commitments at each shown month's end, per region and nationally.
    Sums of cumulative sums are cumulative sums of sums, so the national series
    is accumulated region group by region group."""
    n, regions, months = dataset.shape
    if regions != len(run.codes) or months != len(run.months):
        raise UserError(f"{run.path}: /trajectories/monthly_commitments_cents is not replication × region × month")
    shown = run.shown_months()
    per_region_bytes = max(1, n * shown * 8)
    group_size = max(1, min(regions, FAN_MEMORY_BYTES // per_region_bytes))
    national = np.zeros((n, shown), dtype=np.int64)
    regional = np.empty((regions, len(FAN_PERCENTS), shown))
    rows = [inverted_cdf_index(n, p) for p in FAN_PERCENTS]
    for first_region in range(0, regions, group_size):
        last_region = min(regions, first_region + group_size)
        block = np.empty((n, last_region - first_region, shown), dtype=np.int64)
        for first in range(0, n, 4096):  # a block of replications at a time: whole HDF5 chunks
            block[first:first + 4096] = np.cumsum(dataset[first:first + 4096, first_region:last_region, :shown],
                                                  axis=2)
        national += block.sum(axis=1)
        block.sort(axis=0)
        regional[first_region:last_region] = block[rows].transpose(1, 0, 2) / 100.0
    national.sort(axis=0)
    month_ends = [(month_end(m) - run.start).days for m in run.months[:shown]]
    return Fan(month_ends=month_ends, national=national[rows] / 100.0, regional=regional)


def month_end(first_day):
    """The first day of the next month: where a month's cumulative total is plotted."""
    return (first_day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def read_group_datasets(group, names, length, what, path):
    values = {}
    for name in names:
        if name not in group:
            raise UserError(f"{path}: /{what}/{name} is missing")
        values[name] = group[name][()]
        if values[name].shape != (length,):
            raise UserError(f"{path}: /{what}/{name} has shape {values[name].shape}, expected ({length},)")
    return values


def read_recommendation(group, run):
    """`fnesim recommend --save` (format 1.1): before and after, per region."""
    names = ["current_available_cents", "recommended_available_cents", "p_exhausted_before",
             "p_exhausted_after", "p_exhausted_before_se", "p_exhausted_after_se", "expected_unmet_before_eur",
             "expected_unmet_after_eur", "expected_unmet_before_se_eur", "expected_unmet_after_se_eur",
             "median_exhaustion_day_before", "median_exhaustion_day_after"]
    recommendation = read_group_datasets(group, names, len(run.codes), "recommendation", run.path)
    for attribute in ("objective", "target_probability", "complementary_allocation_cents", "common_level"):
        if attribute not in group.attrs:
            raise UserError(f"{run.path}: /recommendation has no attribute {attribute}")
        recommendation[attribute] = group.attrs[attribute]
    # The envelopes, which `recommend` prints, and the national before and after: written by newer
    # versions only; without them the page shows the available amounts and no national effect.
    envelopes = ["current_envelope_cents", "recommended_envelope_cents"]
    if all(name in group for name in envelopes):
        recommendation.update(read_group_datasets(group, envelopes, len(run.codes), "recommendation", run.path))
    effect = ["national_expected_unmet_before_eur", "national_expected_unmet_after_eur",
              "national_expected_unmet_change_eur",
              "national_expected_unmet_change_se_eur", "p_no_region_exhausted_before", "p_no_region_exhausted_after"]
    if all(name in group.attrs for name in effect):
        recommendation["effect"] = {name: float(group.attrs[name]) for name in effect}
        held_out = ["held_out_replications", "held_out_expected_unmet_change_eur",
                    "held_out_expected_unmet_change_se_eur", "held_out_p_no_region_exhausted_before",
                    "held_out_p_no_region_exhausted_after"]
        if all(name in group.attrs for name in held_out):  # format 1.8
            recommendation["effect"].update({name: float(group.attrs[name]) for name in held_out})
    raised = ["level_raises", "first_complementary_allocation_cents", "first_p_no_region_exhausted_after",
              "short_of_target_because"]
    if "effect" in recommendation and all(name in group.attrs for name in raised):
        recommendation["raised"] = {
            "level_raises": int(group.attrs["level_raises"]),
            "first_complementary_allocation_cents": int(group.attrs["first_complementary_allocation_cents"]),
            "first_p_no_region_exhausted_after": float(group.attrs["first_p_no_region_exhausted_after"]),
            "short_of_target_because": attribute_text(group.attrs["short_of_target_because"])}
    return recommendation


def read_steering(group, run):
    """In-run moves (format 1.1): one row per movement of money."""
    if "replication" not in group:
        raise UserError(f"{run.path}: /steering/replication is missing")
    count = group["replication"].shape[0] if group["replication"].ndim == 1 else -1
    moves = read_group_datasets(group, ["replication", "day", "from_region", "to_region", "amount_cents"],
                                count, "steering", run.path)
    regions = len(run.codes)
    n = run.exhaustion_day.shape[0]
    if count and (moves["from_region"].min() < -2 or moves["from_region"].max() >= regions
                  or moves["to_region"].min() < -1 or moves["to_region"].max() >= regions
                  or moves["replication"].min() < 0 or moves["replication"].max() >= n):
        raise UserError(f"{run.path}: /steering holds a region or replication index out of range")
    return moves


def read_sensitivity(group, run):
    """`fnesim sensitivity` (format 1.5): the factors, the Sobol indices and their convergence estimates,
    the tornado bars. The design's raw rows are not read."""
    def strings(path):
        if path not in group:
            raise UserError(f"{run.path}: /sensitivity/{path} is missing")
        return list(text_of(group[path])[()])

    def values(path, shape):
        if path not in group:
            raise UserError(f"{run.path}: /sensitivity/{path} is missing")
        data = np.asarray(group[path][()], dtype=float)
        if data.shape != shape:
            raise UserError(f"{run.path}: /sensitivity/{path} has shape {data.shape}, expected {shape}")
        return data

    outputs, statistics = strings("outputs/name"), strings("tornado/statistic")
    factors, kinds, members = strings("factors/name"), strings("factors/kind"), strings("factors/members")
    parameters, sources = strings("tornado/parameter"), strings("tornado/source")
    if not len(factors) == len(kinds) == len(members):
        raise UserError(f"{run.path}: /sensitivity/factors lists names, kinds and members of different lengths")
    if len(sources) != len(parameters):
        raise UserError(f"{run.path}: /sensitivity/tornado/source and parameter differ in length")
    missing = [name for name in SENSITIVITY_OUTPUTS if name not in outputs] + \
              [name for name in TORNADO_STATISTICS if name not in statistics]
    if missing:
        raise UserError(f"{run.path}: /sensitivity lists no {', '.join(missing)}: not what format 1.5 defines")
    shape = (len(factors), len(outputs))
    bars = (len(parameters), len(statistics))
    sensitivity = {
        "outputs": outputs, "statistics": statistics, "factors": factors, "kinds": kinds,
        "members": [m.split(", ") if m else [] for m in members], "parameters": parameters, "sources": sources,
        "baseline": values("tornado/baseline", (len(statistics),)),
        "low_value": values("tornado/low_value", (len(parameters),)),
        "high_value": values("tornado/high_value", (len(parameters),)),
    }
    for name in ("first_order", "first_low", "first_high", "total_effect", "total_low", "total_high",
                 "first_order_half", "total_effect_half"):
        sensitivity[name] = values(f"sobol/{name}", shape)
    for name in ("low", "high", "low_se", "high_se"):
        sensitivity[name] = values(f"tornado/{name}", bars)
    for attribute, default in (("interval_level", 0.95), ("base_rows", 0), ("tornado_low_quantile", 0.05),
                               ("tornado_high_quantile", 0.95)):
        sensitivity[attribute] = float(group.attrs.get(attribute, default))
    return sensitivity


# ---------------------------------------------------------------------------
# Charts.

def read_actuals(f, path):
    """What a forecast started from (/actuals): its cut-off and file, what was observed before it, the months
    the scenario's prior did not allow, the particles in effect and the parameters the actuals updated."""
    attrs = f["actuals"].attrs
    require_attributes(attrs, ("as_of", "file"), path, "/actuals")
    as_of = date_attribute(attrs, "as_of", path, "/actuals attribute ")
    actuals = {
        "as_of": as_of, "file": str(attrs["file"]),
        "dossiers": int(np.sum(read(f, "actuals/observed_dossiers", path))),
        "national": int(attrs.get("national", 0)) == 1,
        "committed": float(np.sum(read(f, "actuals/observed_committed_cents", path))) / 100.0,
        "particles": int(attrs.get("particles", 0)), "effective": float(attrs.get("effective_particles", 0.0)),
        "outside": None, "chance": None, "updated": [], "past_spread": None,
    }
    past_path = "replications/national_past/committed_cents"
    summary_path = "summary/national_past"
    if summary_path in f:  # format 1.12: each region's part over the replications, as the run printed it
        regions = len(read(f, "regions/code", path))
        mean = np.asarray(read(f, f"{summary_path}/committed_mean_eur", path), dtype=float)
        quantiles = np.asarray(read(f, f"{summary_path}/committed_quantiles_cents", path), dtype=float)
        percents = [int(p) for p in read(f, "summary/amount_percentiles", path)]
        if mean.shape != (regions,) or quantiles.shape != (regions, len(percents)) or not {5, 95} <= set(percents):
            raise UserError(f"{path}: /{summary_path} has means of shape {mean.shape} and quantiles of shape "
                            f"{quantiles.shape}, not ({regions},) and ({regions}, {len(percents)}) with the 5 % and "
                            "95 % quantiles: not a complete fnesim run file")
        replications = int(f.attrs.get("replications", 0))
        low, high = quantiles[:, percents.index(5)] / 100.0, quantiles[:, percents.index(95)] / 100.0
    elif past_path in f:  # format 1.11: each replication's share of the national months, replication × month × region
        past = f[past_path]
        past_months = len(read(f, "replications/national_past/month", path))
        regions = len(read(f, "regions/code", path))
        shape = getattr(past, "shape", None)  # None: a group where the dataset belongs
        if shape is None or len(shape) != 3 or shape[1:] != (past_months, regions):
            raise UserError(f"{path}: /{past_path} has shape {shape}, not (replications, {past_months} months, "
                            f"{regions} regions): not a complete fnesim run file")
        # Summed over the months a slice at a time: the dataset grows with the replications, the sums less.
        slice_rows = 4096
        amounts = np.concatenate([past[i:i + slice_rows].sum(axis=1) for i in range(0, past.shape[0], slice_rows)]
                                 or [np.zeros((0, regions))]).astype(float)  # replication × region
        replications = len(amounts)
        mean = amounts.mean(axis=0) / 100.0
        # The run's quantiles (the inverted empirical CDF), as /summary/national_past holds them since 1.12.
        ordered = np.sort(amounts, axis=0)
        low, high = (ordered[max(1, -(-p * replications // 100)) - 1] / 100.0 if replications else None
                     for p in (5, 95))
    else:
        replications = 0
    # Quantiles of fewer years than this say little about a 90 % range: no sentence then (as `fnesim run`).
    if replications >= 20:
        # Relative to each region's mean: half its 90 % range (a region expected nothing has none).
        spread = [(h - lo) / (2 * m) for m, lo, h in zip(mean, low, high) if m > 0]
        actuals["past_spread"] = spread or None
    if "actuals/prior_predictive" in f:  # format 1.2; its last row adds up the months
        months = read_strings(f, "actuals/prior_predictive/month", path)
        outside = read(f, "actuals/prior_predictive/outside", path)
        actuals["outside"] = [(parse_month(m, path), k == len(months) - 1) for k, m in enumerate(months)
                              if outside[k]]
        # Format 1.13: how often the prior's own years stray as far; older files call every month outside a
        # failure.
        chance = f["actuals/prior_predictive"].attrs.get("chance_as_far_off")
        actuals["chance"] = None if chance is None else float(chance)
    if "actuals/parameters" in f:
        names = read_strings(f, "actuals/parameters/name", path)
        columns = [read(f, f"actuals/parameters/{key}", path) for key in ("scenario", "observed", "forecast",
                                                                            "updated")]
        actuals["updated"] = [(name, float(scenario), float(observed), float(forecast))
                              for name, scenario, observed, forecast, updated in zip(names, *columns) if updated]
    return actuals


def pyplot():
    """matplotlib, imported only once the page is to be drawn: refusals of bad input stay quick."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: files only
        import matplotlib.pyplot
    except ImportError as error:  # pragma: no cover - depends on the machine
        raise JobError(f"{error}: {MISSING_PACKAGES}") from None
    return matplotlib.pyplot


def month_ticks(run, shown, every, lang):
    """Ticks at the first day of months, the year under January and under the first tick."""
    positions, labels = [], []
    for index, first_day in enumerate(run.months[:shown + 1] if shown < len(run.months) else run.months):
        if index % every:
            continue
        positions.append((first_day - run.start).days)
        label = MONTHS[lang][first_day.month - 1]
        if index == 0 or first_day.month == 1:
            label += f"\n{first_day.year}"
        labels.append(label)
    return positions, labels


BAND_COLOURS = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd"]  # lightest (outer) to darkest (centre)


def draw_fan(ax, x, quantiles, available, deadline_x, words, lang, compact=False, as_of_x=None):
    """Bank of England style: eight bands of 10 % each, darkest around the median; in a forecast from
    actuals, a line where the observed part ends."""
    from matplotlib.ticker import MaxNLocator

    x = [0] + list(x)
    values = np.concatenate([np.zeros((quantiles.shape[0], 1)), quantiles], axis=1)
    bands = len(FAN_PERCENTS) - 1
    for band in range(bands):
        depth = min(band, bands - 1 - band)  # 0 for the outermost bands, 3 for the two around the median
        ax.fill_between(x, values[band], values[band + 1], color=BAND_COLOURS[depth], linewidth=0,
                        label=words["band"] if band == 0 else None)
    ax.plot(x, values[FAN_PERCENTS.index(50)], color="#08306b", linewidth=1.2 if compact else 1.8,
            label=words["median"])
    ax.axhline(available, color="black", linestyle="--", linewidth=0.9, label=words["available"])
    ax.axvline(deadline_x, color="#555555", linestyle=":", linewidth=1.0, label=words["deadline"])
    if as_of_x is not None:
        ax.axvline(as_of_x, color="#b2182b", linestyle="-.", linewidth=1.0, label=words["as_of"])
    ax.yaxis.set_major_formatter(money_axis_formatter(lang))
    ax.yaxis.set_major_locator(MaxNLocator(4 if compact else 7))
    ax.set_ylim(0, max(available, values.max()) * 1.08)
    ax.set_xlim(0, max(x[-1], deadline_x) + 3)
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)


def national_fan_chart(run, lang):
    words = TEXT[lang]["chart"]
    fan = run.fan
    fig, ax = pyplot().subplots(figsize=(7.0, 3.6))
    draw_fan(ax, fan.month_ends, fan.national, run.national_available, run.window_days, words, lang,
             as_of_x=run.as_of_day)
    positions, labels = month_ticks(run, len(fan.month_ends), 1, lang)
    ax.set_xticks(positions, labels, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylabel(words["committed"], fontsize=9)
    ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")
    fig.tight_layout()
    return fig


def cash_chart(run, lang):
    """Above, what the State disburses against what is paid to companies (cumulative); below, OPCO 2i's cash
    position, their difference, as a fan: below 0, OPCO 2i pre-finances."""
    words = TEXT[lang]["chart"]
    cash = run.cash
    months = [parse_month(m, run.path) for m in cash["month"]]
    x = [0] + [(month_end(m) - run.start).days for m in months]
    d = {percent: k for k, percent in enumerate(run.day_percentiles)}
    quantiles = np.concatenate([np.zeros((3, 1, len(run.day_percentiles))), cash["summary/quantiles_cents"] / 100.0],
                               axis=1)  # series × (0, months…) × percentile: nothing before the first month
    fig, (top, bottom) = pyplot().subplots(2, 1, figsize=(7.0, 5.4), sharex=True,
                                         gridspec_kw={"height_ratios": (1, 1.15)})
    for series, colour, label in ((0, "#08306b", words["disbursed"]), (1, "#a63603", words["paid"])):
        q = quantiles[series]
        top.fill_between(x, q[:, d[5]], q[:, d[95]], color=colour, alpha=0.15, linewidth=0, step="pre")
        top.step(x, q[:, d[50]], where="pre", color=colour, linewidth=1.6, label=label)
    top.axhline(float(cash["basis_cents"]) / 100.0, color="black", linestyle="--", linewidth=0.9,
                label=words["basis"])
    top.set_ylabel(words["cumulative"], fontsize=9)
    top.legend(loc="center left", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")
    q = quantiles[2]
    for (low, high), depth in (((5, 95), 0), ((10, 90), 1), ((25, 75), 3)):
        bottom.fill_between(x, q[:, d[low]], q[:, d[high]], color=BAND_COLOURS[depth], linewidth=0, step="pre",
                            label=words["cash_band"].format(low=low, high=high))
    bottom.step(x, q[:, d[50]], where="pre", color="#08306b", linewidth=1.8, label=words["median"])
    bottom.axhline(0, color="#a50f15", linewidth=1.0)
    bottom.text(x[1], 0, " " + words["prefinancing"], color="#a50f15", fontsize=7.5, ha="left", va="top")
    bottom.set_ylabel(words["position"], fontsize=9)
    bottom.legend(loc="upper right", fontsize=7.5, frameon=True, framealpha=0.9, edgecolor="none")
    for ax in (top, bottom):
        ax.yaxis.set_major_formatter(money_axis_formatter(lang))
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.axvline(run.window_days, color="#555555", linestyle=":", linewidth=1.0)
    ax.set_xlim(0, x[-1] + 3)
    positions, labels = [], []
    for index, first_day in enumerate(months):
        if index % 3 == 0:
            positions.append((first_day - run.start).days)
            labels.append(MONTHS[lang][first_day.month - 1] + (f"\n{first_day.year}" if index == 0 or first_day.month == 1 else ""))
    bottom.set_xticks(positions, labels, fontsize=8)
    fig.tight_layout()
    return fig


def regional_fan_chart(run, lang):
    words = TEXT[lang]["chart"]
    fan = run.fan
    columns = 3
    rows = math.ceil(len(run.codes) / columns)
    fig, axes = pyplot().subplots(rows, columns, figsize=(7.0, 2.15 * rows + 0.5), squeeze=False)
    positions, labels = month_ticks(run, len(fan.month_ends), 3, lang)
    for index, ax in enumerate(axes.flat):
        if index >= len(run.codes):
            ax.set_visible(False)
            continue
        draw_fan(ax, fan.month_ends, fan.regional[index], run.available[index], run.window_days, words, lang,
                 compact=True, as_of_x=run.as_of_day)
        ax.set_title(run.names[index], fontsize=8)
        ax.set_xticks(positions, labels, fontsize=6.5)
        ax.tick_params(axis="y", labelsize=6.5)
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", ncol=4, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


def p_exhausted_chart(run, lang):
    from matplotlib.ticker import FixedLocator

    words = TEXT[lang]["chart"]
    shown = run.shown_months()
    probabilities = np.asarray(run.summary["regions/p_exhausted_by_month_end"])[:, :shown]
    fig, ax = pyplot().subplots(figsize=(7.0, 0.24 * len(run.codes) + 1.0))
    image = ax.imshow(probabilities, cmap="OrRd", vmin=0, vmax=1, aspect="auto")
    for (row, column), p in np.ndenumerate(probabilities):
        # The page's rule: a decimal near 0 and 1, where a whole percent would read as certainty.
        ax.text(column, row, format_percent(p, lang), ha="center", va="center", fontsize=6.5,
                color="white" if p > 0.6 else "black")
    labels = []
    for index, first_day in enumerate(run.months[:shown]):
        label = MONTHS[lang][first_day.month - 1]
        labels.append(label + (f"\n{first_day.year}" if index == 0 or first_day.month == 1 else ""))
    ax.set_xticks(range(shown), labels, fontsize=7)
    ax.set_yticks(range(len(run.codes)), run.names, fontsize=7)
    ax.tick_params(length=0)
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02,
                       format=percent_axis_formatter(lang),
                       ticks=FixedLocator([0, 0.25, 0.5, 0.75, 1]))
    bar.ax.tick_params(labelsize=7)
    bar.set_label(words["p_colorbar"], fontsize=7)
    fig.tight_layout()
    return fig


def additional_needed_chart(run, lang, marks):
    """The empirical CDF: how likely a given additional amount is to be enough."""
    words = TEXT[lang]["chart"]
    values = np.sort(run.additional_needed)
    amounts = np.unique(values)
    enough = np.searchsorted(values, amounts, side="right") / len(values)  # P(needed <= amount)
    fig, ax = pyplot().subplots(figsize=(7.0, 3.0))
    # The far tail of a long run would squeeze the marked quantiles into a corner.
    top = max(values[inverted_cdf_index(len(values), 99)], 1.15 * max(amount for _, amount in marks), 1e6)
    # From (0, 0): the years that need nothing are a jump at 0, on which a quantile of 0 is marked.
    x = np.concatenate([[0.0], amounts, [max(top, amounts[-1])]])
    y = np.concatenate([[0.0], enough, [1.0]])
    ax.step(x, y, where="post", color="#3182bd", linewidth=1.5)
    for percent, amount in marks:
        ax.plot([amount, amount], [0, percent / 100], color="#888888", linestyle=":", linewidth=0.8)
        ax.plot([0, amount], [percent / 100, percent / 100], color="#888888", linestyle=":", linewidth=0.8)
        ax.plot([amount], [percent / 100], "o", color="#08306b", markersize=4)
    # Marks of equal amounts (all 0 when an allocation is rarely needed) share one label, at the highest.
    separator, conjunction = (NBSP + ": ", " et ") if lang == "fr" else (": ", " and ")
    for amount in sorted(set(amount for _, amount in marks)):
        percents = [p for p, a in marks if a == amount]
        label = ", ".join(str(p) for p in percents[:-2]) + (", " if len(percents) > 2 else "")
        label += conjunction.join([str(p) for p in percents[-2:-1]] + [format_percent(percents[-1] / 100, lang)])
        label += separator + format_meur(amount, lang)
        ax.annotate(label, (amount, percents[-1] / 100), textcoords="offset points", xytext=(6, -10), fontsize=7)
    ax.set_xlim(0, top)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(money_axis_formatter(lang))
    ax.yaxis.set_major_formatter(percent_axis_formatter(lang))
    ax.set_xlabel(words["amount_axis"], fontsize=8)
    ax.set_ylabel(words["p_axis"], fontsize=8)
    ax.tick_params(labelsize=7.5)
    ax.grid(color="#dddddd", linewidth=0.5)
    fig.tight_layout()
    return fig


# /sensitivity's words: a parameter's key path, a factor, and the values a tornado bar used.

def parameter_label(path, lang):
    """A key path in readable words where it is known (docs/scenario-format.md's uncertain parameters), else
    the key path itself; and how its values are written."""
    t = TEXT[lang]
    if path in t["parameters"]:
        label = t["parameters"][path]
    elif path.startswith("demand.cost_per_trainee.mean_eur."):
        pathway = path.rsplit(".", 1)[1]
        label = t["cost_pathway"].format(pathway=t["pathways"].get(pathway, pathway))
    elif path.startswith("events.") and path.count(".") >= 2 and path.rsplit(".", 1)[1] in t["event"]:
        name, key = path[len("events."):].rsplit(".", 1)
        label = t["event"][key].format(name=name)
    else:
        return path, "number"
    if path.startswith("demand.cost_per_trainee"):
        return label, "euros"
    if path.endswith(("cancellation_probability", "dropout_mean", ".share")):
        return label, "percent"
    if path.endswith("expected_dossiers"):
        return label, "count"
    return label, "number"


def parameter_value(value, unit, lang):
    if unit == "euros":
        return format_euros(value, lang)
    if unit == "count":
        return format_count(value, lang)
    if unit == "percent":
        return format_percent(value, lang, decimals=0 if abs(value * 100 - round(value * 100)) < 1e-9 else 1)
    digits = max(0, min(4, 3 - math.floor(math.log10(abs(value)))) if value else 0)
    return format_number(value, digits, lang)


def sentence_case(label):
    """A label inside a sentence: its first letter in lower case, unless it starts an acronym (GPEC)."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def capitalised(label):
    return label[:1].upper() + label[1:]


def factor_label(sensitivity, i, lang):
    t = TEXT[lang]
    name, kind, members = sensitivity["factors"][i], sensitivity["kinds"][i], sensitivity["members"][i]
    if kind in t["factors"]:
        return t["factors"][kind]
    if kind == "group":
        return t["group"].format(name=name)
    label = parameter_label(name, lang)[0]
    others = [m for m in members if m != name]
    if others:
        label = t["correlated"].format(label=label, count=len(others), plural="s" if len(others) > 1 else "")
    return label


def tornado_rows(sensitivity, statistic):
    """The bars of one statistic, widest first, at most TORNADO_MAX_BARS: (indices, how many left out)."""
    j = sensitivity["statistics"].index(statistic)
    width = np.abs(sensitivity["high"][:, j] - sensitivity["low"][:, j])
    order = [int(b) for b in np.argsort(-width, kind="stable")]
    return order[:TORNADO_MAX_BARS], max(0, len(order) - TORNADO_MAX_BARS)


def tornado_chart(run, lang):
    """Per statistic, side by side: each parameter alone at its low and high value around the scenario as it
    is, with ± 2 standard errors of the difference at both ends."""
    from matplotlib.ticker import MaxNLocator

    words = TEXT[lang]["chart"]
    st = run.sensitivity
    shown = [tornado_rows(st, statistic)[0] for statistic in TORNADO_STATISTICS]
    bars = max(1, max(len(rows) for rows in shown))
    fig, axes = pyplot().subplots(1, len(TORNADO_STATISTICS), figsize=(7.0, 0.29 * bars + 0.95), squeeze=False)
    for ax, statistic, rows in zip(axes[0], TORNADO_STATISTICS, shown):
        j = st["statistics"].index(statistic)
        baseline = float(st["baseline"][j])
        labels = []
        for y, b in enumerate(rows):
            low, high = float(st["low"][b, j]), float(st["high"][b, j])
            # The shorter segment on top, so that both show when they lie on the same side.
            segments = sorted(((low, "#9ecae1", words["low_value"]), (high, "#08519c", words["high_value"])),
                              key=lambda segment: -abs(segment[0] - baseline))
            for end, colour, name in segments:
                ax.barh(y, end - baseline, left=baseline, height=0.62, color=colour,
                        label=name if y == 0 else None, zorder=2)
            for end, se in ((low, st["low_se"][b, j]), (high, st["high_se"][b, j])):
                ax.errorbar(end, y, xerr=2 * float(se), fmt="none", ecolor="#222222", elinewidth=0.7, capsize=2,
                            zorder=3, label=words["two_se"] if y == 0 and end == low else None)
            label, unit = parameter_label(st["parameters"][b], lang)
            star = "*" if st["sources"][b] == "range given" else ""
            labels.append(f"{label}{star}\n" + words["low_high"].format(
                low=parameter_value(float(st["low_value"][b]), unit, lang),
                high=parameter_value(float(st["high_value"][b]), unit, lang)))
        ax.axvline(baseline, color="black", linewidth=1.0, zorder=4)
        ax.set_yticks(range(len(rows)), labels, fontsize=6.5)
        ax.set_ylim(bars - 0.5, -0.5)  # the widest bar on top
        ax.set_title(words[statistic], fontsize=7.5, loc="left")
        ax.xaxis.set_major_locator(MaxNLocator(4 if statistic.startswith("p_") else 3))
        ax.xaxis.set_major_formatter(percent_axis_formatter(lang) if statistic.startswith("p_")
                                     else money_axis_formatter(lang))
        ax.tick_params(axis="x", labelsize=6.5)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
    handles, names = axes[0, 0].get_legend_handles_labels()
    order = [names.index(name) for name in (words["low_value"], words["high_value"], words["two_se"])
             if name in names]
    fig.legend([handles[k] for k in order], [names[k] for k in order], loc="lower center", ncol=3, fontsize=7,
               frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def sobol_order(sensitivity):
    """Factors by their largest total effect on the outputs shown, the dossiers' randomness last."""
    columns = [sensitivity["outputs"].index(name) for name in SENSITIVITY_OUTPUTS]
    total = sensitivity["total_effect"][:, columns]
    largest = [np.nanmax(row) if np.any(np.isfinite(row)) else -np.inf for row in total]
    return sorted(range(len(sensitivity["factors"])),
                  key=lambda i: (sensitivity["kinds"][i] == "dossiers", -largest[i]))


def sobol_chart(run, lang):
    """Per output shown, side by side: each factor's first-order and total-effect indices with their
    intervals; the dossiers' own randomness in grey, groups hatched."""
    words = TEXT[lang]["chart"]
    st = run.sensitivity
    order = sobol_order(st)
    labels = [capitalised(factor_label(st, i, lang)) for i in order]
    level = format_percent(st["interval_level"], lang)
    fig, axes = pyplot().subplots(1, len(SENSITIVITY_OUTPUTS), figsize=(7.0, 0.3 * len(order) + 1.0), sharey=True,
                                  squeeze=False)
    axes[0, 0].set_yticks(range(len(order)), labels, fontsize=6.5)
    axes[0, 0].set_ylim(len(order) - 0.5, -0.5)
    for ax, output in zip(axes[0], SENSITIVITY_OUTPUTS):
        j = st["outputs"].index(output)
        ax.set_title(words[output], fontsize=7.5, loc="left")
        ax.tick_params(axis="y", length=0)
        if not np.any(np.isfinite(st["total_effect"][:, j])):
            ax.text(0.5, 0.5, words["constant"], transform=ax.transAxes, ha="center", va="center", fontsize=7.5,
                    color="#555555")
            ax.set_xticks([])
            continue
        for y, i in enumerate(order):
            dossiers, group = st["kinds"][i] == "dossiers", st["kinds"][i] == "group"
            for offset, estimate, low, high, colour, grey, name in (
                    (-0.19, "first_order", "first_low", "first_high", "#3182bd", "#636363", words["first_order"]),
                    (0.19, "total_effect", "total_low", "total_high", "#9ecae1", "#bdbdbd", words["total_effect"])):
                value = float(st[estimate][i, j])
                if not math.isfinite(value):
                    continue
                lo, hi = float(st[low][i, j]), float(st[high][i, j])
                ax.barh(y + offset, value, height=0.36, color=grey if dossiers else colour,
                        hatch="////" if group else None, edgecolor="white" if group else None, linewidth=0,
                        label=name if y == 0 else None, zorder=2)
                ax.errorbar(value, y + offset, xerr=[[max(0.0, value - lo)], [max(0.0, hi - value)]], fmt="none",
                            ecolor="#222222", elinewidth=0.7, capsize=1.8, zorder=3,
                            label=words["interval"].format(level=level) if y == 0 and offset < 0 else None)
        ax.axvline(0, color="black", linewidth=0.8)
        lows = np.concatenate([st["first_low"][:, j], st["total_low"][:, j]])
        highs = np.concatenate([st["first_high"][:, j], st["total_high"][:, j]])
        ax.set_xlim(min(-0.05, np.nanmin(lows) - 0.02), max(1.0, np.nanmax(highs) + 0.02))
        ax.xaxis.set_major_formatter(percent_axis_formatter(lang))
        ax.tick_params(axis="x", labelsize=6.5)
        ax.set_xlabel(words["share_axis"], fontsize=7)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
    handles, names = [], []
    for ax in axes[0]:
        for handle, name in zip(*ax.get_legend_handles_labels()):
            if name not in names:
                handles.append(handle)
                names.append(name)
    wanted = [words["first_order"], words["total_effect"], words["interval"].format(level=level)]
    handles = [handles[names.index(name)] for name in wanted if name in names]
    names = [name for name in wanted if name in names]
    if handles:
        fig.legend(handles, names, loc="lower center", ncol=3, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def png_bytes(fig):
    buffer = io.BytesIO()
    # No "Software" entry: the same run gives byte-identical charts.
    fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    pyplot().close(fig)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# The page.

CSS = """
@page { size: A4 portrait; margin: 14mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.35;
       color: #111; margin: 0 auto; max-width: 190mm; padding: 6mm; }
h1 { font-size: 16pt; margin: 0 0 2mm 0; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm 0; border-bottom: 1px solid #999; break-after: avoid; }
p.subtitle { color: #444; margin: 0 0 4mm 0; font-size: 9pt; }
.headline { border: 1.5px solid #3182bd; background: #f3f8fc; padding: 3mm 5mm; }
.headline ul { margin: 1mm 0 1mm 5mm; padding: 0; }
.headline p { margin: 1.5mm 0; }
figure { margin: 2mm 0 3mm 0; break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: #333; margin-top: 1mm; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 2mm 0; }
table.compact { width: auto; min-width: 50%; }
th, td { border-bottom: 1px solid #ccc; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
td.n { white-space: nowrap; }  /* a figure whole; its header may wrap, or a wide table shrinks the printed page */
.nw { white-space: nowrap; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.note { border-left: 3px solid #d95f0e; padding: 1mm 3mm; background: #fff7ec; }
.page { break-before: page; }
code { font-size: 8.5pt; }
.small { font-size: 8pt; color: #444; word-break: break-all; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
"""


def esc(text):
    return html.escape(str(text), quote=True)


def table(header, rows, numeric_columns=(), compact=False):
    head = "".join(f'<th class="n">{esc(h)}</th>' if i in numeric_columns else f"<th>{esc(h)}</th>"
                   for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric_columns else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    css_class = ' class="compact"' if compact else ""
    return f"<table{css_class}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(png, alt, caption):
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
            f"<figcaption>{caption}</figcaption></figure>")


def day_text(run, day, lang, words):
    return esc(words["never_short"]) if day < 0 else format_date(run.date(day), lang)


def regional_medians(run):
    """Per region: (median day or -1, whether it is the median of the exhausted years only, sorted days)."""
    medians = []
    quantiles = np.asarray(run.summary["regions/exhaustion_day_quantiles"])
    median_column = run.day_percentiles.index(50)
    for r in range(len(run.codes)):
        days = run.exhaustion_day[:, r]
        exhausted = np.sort(days[days >= 0])
        if quantiles[r, median_column] >= 0:
            # At least half the years exhausted: the median of all years, as `fnesim run` prints it;
            # "never" sorts last, so the exhausted days hold it.
            medians.append((int(quantiles[r, median_column]), False, np.sort(np.where(days < 0, NEVER, days))))
        elif len(exhausted):
            medians.append((int(exhausted[inverted_cdf_index(len(exhausted), 50)]), True, exhausted))
        else:
            medians.append((-1, True, exhausted))
    return medians


def chi_squared_95(k):
    """The 95th percentile of chi-squared with k degrees of freedom (Wilson–Hilferty)."""
    return k * (1 - 2 / (9 * k) + NormalDist().inv_cdf(0.95) * math.sqrt(2 / (9 * k))) ** 3


def f_95(d1, d2):
    """The 95th percentile of Fisher's F with (d1, d2) degrees of freedom, by Paulson's (1942) normal
    approximation of its cube root: within 1.5 % of the exact quantile for d1 ≥ 2 and d2 ≥ 5, 2.5 % for
    d1 = 1 (no scipy needed)."""
    z, a, b = NormalDist().inv_cdf(0.95), 2 / (9 * d1), 2 / (9 * d2)
    # ((1 − b) y − (1 − a))² = z² (a + b y²) for y = F^(1/3): the larger root.
    quadratic, linear, constant = (1 - b) ** 2 - z * z * b, -2 * (1 - a) * (1 - b), (1 - a) ** 2 - z * z * a
    y = (-linear + math.sqrt(linear * linear - 4 * quadratic * constant)) / (2 * quadratic)
    return y ** 3


def regularized_beta(x, a, b):
    """I_x(a, b), the regularised incomplete beta function, by its continued fraction (Lentz's method, as in
    Press et al., Numerical Recipes, §6.4): for Student's t tail without scipy."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast on this side only
        return 1.0 - regularized_beta(1.0 - x, b, a)
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 400):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return front * fraction / a


def t_two_sided_p(t, df):
    """P(|T| ≥ |t|) for Student's t with df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2)."""
    return regularized_beta(df / (df + t * t), df / 2, 0.5)


def pairs_differ(means, residual, replications, degrees_of_freedom):
    """Whether some pair of regions differs beyond the noise: the clustered t of each pair's difference on
    `degrees_of_freedom` (Kish's effective draws less one: the draws less one gave 11 % false alarms at 5 %
    with 27 uneven draws, this 3.4 %), Bonferroni over the pairs at 5 %. A difference the draws do not vary
    at all differs when there are ten effective draws or more; with fewer, equal risks split that way by
    chance too often (in two draws at even odds, one region always exhausted and another never: an eighth
    of the time for each pair). `residual`: each draw's sums of the indicators less their means (G × R)."""
    g, regions = residual.shape
    pairs = regions * (regions - 1) // 2
    for i in range(regions):
        for j in range(i + 1, regions):
            difference = means[i] - means[j]
            se = math.sqrt(g / (g - 1) * float(np.sum((residual[:, i] - residual[:, j]) ** 2))) / replications
            if se == 0:
                if difference != 0 and degrees_of_freedom >= 9:
                    return True
                continue
            if t_two_sided_p(difference / se, degrees_of_freedom) < 0.05 / pairs:
                return True
    return False


def regions_alike(exhausted, clusters=None):
    """Whether the regions' P(exhausted) differ by no more than the simulation's noise, so that ranking them
    would be ranking noise — None when the simulation cannot tell (a forecast on fewer than two effective
    prior draws: no noise to measure a difference against): Cochran's Q test at 5 % on the replications'
    exhaustion indicators (replication × region, 0/1). The regions are exhausted in the same simulated years more often than not (one
    national uptake), so the test is paired: each replication is a block (Cochran 1950); Q is chi-squared with
    R − 1 degrees of freedom (Wilson–Hilferty's quantile).
    In a forecast whose replications share prior draws (`clusters`), the blocks are not independent, and Q
    takes noise for differences (simulated: 75 % false alarms at 5 % with 300 uneven draws). The test is then
    the Wald test of equal means on their cluster-robust covariance (the clustered standard errors' own), as
    an F on q and G − q degrees of freedom, q the contrasts' rank and G Kish's effective number of draws
    (the same simulation: 7 %; 8 % with 630 even draws). With fewer effective draws than 2q + 1, or a
    contrast the draws do not vary (a difference without noise, which the Wald test's pseudo-inverse would
    not see), each pair is tested instead: its clustered t on Kish's effective draws less one, Bonferroni
    over the pairs (pairs_differ)."""
    x = np.asarray(exhausted, dtype=float)
    replications, regions = x.shape
    if regions < 2 or replications < 2:
        return False
    if clusters is not None and len(clusters) == replications:
        labels, index = np.unique(clusters, return_inverse=True)
        g = len(labels)
        counts = np.bincount(index).astype(float)
        effective = replications ** 2 / float(np.sum(counts ** 2))
        if g < 2 or effective < 2:
            return None
        means = x.mean(axis=0)
        residual = np.zeros((g, regions))
        np.add.at(residual, index, x - means)
        covariance = g / (g - 1) * residual.T @ residual / replications ** 2
        contrast = np.eye(regions) - 1.0 / regions  # each region against the regions' average
        spread = contrast @ covariance @ contrast.T
        rank = int(np.linalg.matrix_rank(spread))
        if rank < regions - 1 or effective < 2 * rank + 1:
            return not pairs_differ(means, residual, replications, effective - 1)
        centred = contrast @ means
        wald = float(centred @ np.linalg.pinv(spread) @ centred)
        return wald * (effective - rank) / (rank * (effective - 1)) <= f_95(rank, effective - rank)
    columns, rows = x.sum(axis=0), x.sum(axis=1)
    total = columns.sum()
    denominator = regions * total - np.sum(rows ** 2)
    if denominator <= 0:  # every year exhausts all regions or none: nothing tells them apart
        return True
    statistic = (regions - 1) * (regions * np.sum(columns ** 2) - total ** 2) / denominator
    return float(statistic) <= chi_squared_95(regions - 1)


def headline_section(run, lang, q90):
    t = TEXT[lang]
    s = run.summary
    deadline = format_date(run.last_commitment_day, lang)
    parts = [f'<section class="headline"><h2>{esc(t["headline"])}</h2>']
    if run.scenario_warnings:  # first: the figures that follow may be off by a factor of a thousand
        items = "".join(f"<li>{esc(warning)}</li>" for warning in run.scenario_warnings)
        parts.append(f"<p>{t['h_scenario_warnings']}</p><ul>{items}</ul>")
    if run.actuals is not None:
        parts.append("<p>" + actuals_sentences(run, lang) + "</p>")
    # The forecast's range, not the Monte-Carlo standard error (that is in the precision section).
    committed = np.sort(run.committed)
    parts.append("<p>" + t["h_commitments"].format(
        committed=format_meur(s["national/committed_mean_eur"], lang),
        low=format_meur(committed[inverted_cdf_index(len(committed), 5)], lang),
        high=format_meur(committed[inverted_cdf_index(len(committed), 95)], lang),
        available=format_meur(run.national_available, lang), envelope=format_meur(run.national_envelope, lang),
        fees=format_meur(run.national_fees, lang)) + "</p>")
    p = np.asarray(s["regions/p_exhausted_mean"])
    order = [r for r in np.argsort(-p, kind="stable") if p[r] >= 0.05][:3]
    medians = regional_medians(run)
    most, least = int(np.argmax(p)), int(np.argmin(p))
    verdict = regions_alike(run.exhaustion_day >= 0, run.clusters) if order else False
    if verdict is None or verdict:
        sentence = t["h_regions_alike"] if verdict else t["h_regions_untold"]
        parts.append("<p>" + esc(sentence.format(deadline=deadline, low=format_percent(p[least], lang),
                                                 high=format_percent(p[most], lang))) + "</p>")
    elif order:
        items = []
        for r in order:
            day, conditional, _ = medians[r]
            if day < 0:
                when = esc(t["h_never"])
            else:
                when = (t["h_median_if"] if conditional else t["h_median"]).format(date=format_date(run.date(day),
                                                                                                    lang))
            items.append("<li>" + t["h_region"].format(name=esc(run.names[r]), p=format_percent(p[r], lang),
                                                       when=when) + "</li>")
        parts.append(f"<p>{esc(t['h_regions'].format(deadline=deadline))}</p><ul>{''.join(items)}</ul>")
    else:
        parts.append("<p>" + esc(t["h_no_region"].format(threshold=format_percent(0.05, lang),
                                                          deadline=deadline)) + "</p>")
    # Each region's risk is the chance it runs out; the committee also asks how often some region does.
    any_exhausted = np.any(run.exhaustion_day >= 0, axis=1)
    if len(any_exhausted) > 0:
        p_any = float(any_exhausted.mean())
        se = mean_standard_error(any_exhausted, run.clusters)
        parts.append("<p>" + t["h_any_region"].format(p=f"<b>{format_percent(p_any, lang)}</b>",
                                                       se=format_points(se, lang), deadline=esc(deadline)) + "</p>")
    p_needed = float(s["national/p_additional_needed_mean"])
    if p_needed > 0:
        parts.append("<p>" + t["h_additional"].format(p=format_percent(p_needed, lang),
                                                       q90=format_meur(q90, lang)) + "</p>")
        if run.by_jumps is not None:
            parts.append(by_jumps_sentence(run.by_jumps, run.months[0], lang))
    else:
        parts.append(f"<p>{esc(t['h_additional_never'])}</p>")
    parts.append("<p>" + t["h_unmet"].format(unmet=format_meur(s["national/unmet_mean_eur"], lang))
                 + tail_sentence(run, lang) + "</p>")
    if run.spread is not None:  # format 1.2
        parts.append("<p>" + demand_spread_sentence(run, lang) + "</p>")
    if run.recommendation is not None:
        rec = run.recommendation
        complementary = rec["complementary_allocation_cents"] / 100.0
        # The two answers to "how much more money?" side by side: a committee
        # member reading both must see why they differ.
        unpooled = ""
        if str(rec["objective"]) == "target-probability" and complementary > 0:
            # "No year needed an additional allocation" above, and an allocation asked for here: both
            # are true, pooled and region by region, and the page says so. The pooled figure is in
            # amounts available for dossiers: compared with what the ask adds for them, its fee aside.
            if p_needed == 0:
                unpooled = t["h_recommendation_unpooled_never"] + " "
            elif more_for_dossiers(rec) > q90:
                unpooled = t["h_recommendation_unpooled"] + " "
        parts.append("<p>" + t["h_recommendation"].format(
            objective=esc(objective_text(rec, lang)),
            complementary=asked_text(rec, lang),
            effect=unpooled + recommendation_effect(rec, lang)).rstrip() + "</p>")
    if run.cash is not None:
        lowest = run.cash["summary/minimum_position_quantiles_cents"] / 100.0
        parts.append("<p>" + t["h_cash"].format(
            p=format_percent(float(run.cash["summary/p_pre_financing_mean"]), lang),
            lowest=format_meur(lowest[run.amount_percentiles.index(50)], lang)) + "</p>")
    parts.append(f'<p class="small">{esc(t["h_precision"])}</p></section>')
    return "".join(parts)


# Beyond it the standard error of a mean is itself uncertain (an infinite fourth moment); beyond 0.5, it
# understates (results/run_summary.hpp, MeanTail).
LOOSE_ERROR_SHAPE, HEAVY_TAIL_SHAPE = 0.25, 0.5
# Below this many replications the fit is too rough to call a shape under 0.5 heavy (MeanTail::said).
LOOSE_ERROR_MIN_REPLICATIONS = 1000


def tail_sentence(run, lang):
    """When the mean unmet demand or the mean additional allocation has a heavy tail (format 1.8): how much of
    it the largest 1 % of the simulated years make, and how far its ± can be trusted."""
    if not run.tails:
        return ""
    t = TEXT[lang]
    for name in ("unmet", "additional_needed"):
        shape, share = run.tails.get(name, (math.nan, math.nan))
        said = shape > HEAVY_TAIL_SHAPE or (shape > LOOSE_ERROR_SHAPE
                                            and int(run.attrs["replications"]) >= LOOSE_ERROR_MIN_REPLICATIONS)
        if not said or math.isnan(share):
            continue
        key = "h_tail_heavy" if shape > HEAVY_TAIL_SHAPE else "h_tail_loose"
        return " " + t[key].format(what=t[f"h_tail_{name}"], share=format_percent(share, lang),
                                   shape=format_number(shape, 2, lang))
    return ""


def month_after_de(month, lang):
    """French elides « de » before a vowel: « à partir d'oct. 2021 », « à partir de sept. 2021 »."""
    if lang != "fr":
        return month
    return ("d'" if month[:1].lower() in "aeiouyéèâ" else "de ") + month


def by_jumps_sentence(split, first_month, lang):
    """The committee's probability apart for the years in which the rules do not change again and the others
    (format 1.6); nothing when either kind of year is missing."""
    t = TEXT[lang]
    without, with_ = split["replications_without_jumps"], split["replications_with_jumps"]
    if without <= 0 or with_ <= 0:
        return ""
    # With its standard error: one kind of year may be a small part of the run.
    def probability(part):
        return (f"<b>{format_percent(split[f'p_additional_needed_{part}_jumps'], lang)}</b> "
                f"({format_points(split[f'p_additional_needed_{part}_jumps_se'], lang)})")
    # A year drawn whole asks whether the rules change at all; a forecast, whether they change again.
    kept = (t["h_rules_kept_year"] if split["first_month"] == first_month
            else t["h_rules_kept_from"].format(month=month_after_de(format_month(split["first_month"], lang), lang)))
    return "<p>" + t["h_additional_by_jumps"].format(
        kept=kept, share=format_percent(without / (without + with_), lang),
        p_without=probability("without"), p_with=probability("with")) + "</p>"


def actuals_sentences(run, lang):
    """Where a forecast from actuals starts, and whether the scenario's prior allowed what was observed."""
    t = TEXT[lang]
    a = run.actuals
    text = t["h_actuals"].format(as_of=format_date(a["as_of"], lang), file=esc(os.path.basename(a["file"])),
                                 dossiers=format_count(a["dossiers"], lang),
                                 committed=format_meur(a["committed"], lang))
    if a["outside"] is not None:
        if a["outside"]:
            names = [t["h_all_months"] if cumulative else format_month(month, lang) for month, cumulative in a["outside"]]
            months = esc(", ".join(names))
            chance = a["chance"]
            # The run's own rule (sim/forecast/particles.hpp): failed when under 5 % of the prior's years stray as far.
            if chance is not None and chance >= 0.05:
                text += " " + t["h_prior_by_chance"].format(months=months, chance=format_percent(chance, lang))
            else:
                text += " " + t["h_prior_outside"].format(months=months)
                if chance is not None:
                    text += " " + esc(t["h_prior_rare"].format(chance=format_percent(chance, lang)))
        else:
            text += " " + esc(t["h_prior_ok"])
    if a["national"]:
        text += " " + esc(t["h_national_actuals"])
        if a["past_spread"]:
            spread = a["past_spread"]
            text += " " + esc(t["h_national_past"].format(
                # Whole percents, as `fnesim run` prints them.
                typical=format_percent(float(np.median(spread)), lang, 0), low=format_percent(min(spread), lang, 0),
                high=format_percent(max(spread), lang, 0)))
    if a["particles"] > 0:
        # Below one in twenty the weights rest on a few draws (Kish's effective number).
        few = a["effective"] < 0.05 * a["particles"]
        text += " " + t["h_few_particles" if few else "h_particles"].format(
            effective=format_count(round(a["effective"]), lang), particles=format_count(a["particles"], lang))
    return text


def learnt_section(run, lang):
    """The scenario's values the actuals updated, and those the forecast used."""
    t = TEXT[lang]
    rows = []
    for name, scenario, observed, forecast in run.actuals["updated"]:
        if name.startswith("trainees."):  # one decimal: a mean of whole trainees
            label = t["learnt_trainees"]
            shown = lambda value: format_number(value, 1, lang)  # noqa: E731
        else:
            label, unit = parameter_label("demand." + name, lang)
            shown = lambda value: parameter_value(value, unit, lang)  # noqa: E731
        rows.append([esc(label), shown(scenario), "–" if math.isnan(observed) else shown(observed),
                     shown(forecast)])
    if not rows:
        return ""
    return (f'<section><h2>{esc(t["learnt"])}</h2>'
            f'<p class="note">{esc(t["learnt_intro"].format(as_of=format_date(run.actuals["as_of"], lang)))}</p>'
            + table(t["learnt_columns"], rows, numeric_columns=(1, 2, 3)) + "</section>")


def demand_spread_sentence(run, lang):
    """Year-end national demand and where its spread comes from, as /summary/national holds them."""
    t = TEXT[lang]
    quantiles = np.asarray(run.summary["national/demand_quantiles_cents"]) / 100.0
    at = {p: float(quantiles[run.amount_percentiles.index(p)]) for p in (5, 50, 95)}
    names, shares, dossiers, sd = run.spread
    def label(name):  # in words: the spread's own names, else the parameter's label
        return sentence_case(t["spread_" + name] if "spread_" + name in t else parameter_label(name, lang)[0])

    # "; " between them: a label may hold a comma (« coût par stagiaire, anticipation »).
    sources = (NNBSP + "; " if lang == "fr" else "; ").join(f"{esc(label(n))} {format_percent(float(r), lang, 0)}" for n, r in list(zip(names, shares))[:4])
    text = t["h_demand"].format(median=format_meur(at[50], lang), low=format_meur(at[5], lang),
                                high=format_meur(at[95], lang))
    if not sd > 0:  # the same demand in every simulated year: no spread to split, as `fnesim run` says none
        return text
    # Whichever explains more comes first; the assumptions alone only when some vary.
    origin = t["h_demand_assumptions" if dossiers <= 0.5 else "h_demand_dossiers"].format(
        assumptions=format_percent(1 - dossiers, lang, 0), dossiers=format_percent(dossiers, lang, 0))
    return text + " " + origin + (t["h_demand_sources"].format(sources=sources) if sources else "") + "."


def additional_marks(run):
    """(percent, EUR) of the marked quantiles, as /summary holds them (inverted CDF)."""
    quantiles = np.asarray(run.summary["national/additional_needed_quantiles_cents"]) / 100.0
    return [(p, float(quantiles[run.amount_percentiles.index(p)])) for p in MARKED_PERCENTS]


def before_after(before, after):
    """Breaks, if it must, at the arrow only."""
    return f'<span class="nw">{before}</span> → <span class="nw">{after}</span>'


def recommendation_section(run, lang):
    t = TEXT[lang]
    rec = run.recommendation
    described = objective_text(rec, lang)
    # Envelopes, as `recommend` prints them and the complementary allocation adds up to; the available
    # amounts (after fees) only for a file whose recommendation did not record them.
    envelopes = "current_envelope_cents" in rec
    kind = "envelope" if envelopes else "available"
    columns = t["recommendation_columns"] if envelopes else (t["recommendation_available_columns"]
                                                              + t["recommendation_columns"][4:])
    def probabilities(before, after):
        """Whole percents, or one decimal when whole ones would hide the change (32 % → 32 % for 0.324 → 0.316)."""
        decimals = 1 if before != after and format_percent(before, lang) == format_percent(after, lang) else None
        return before_after(format_percent(before, lang, decimals), format_percent(after, lang, decimals))

    rows = []
    for r in range(len(run.codes)):
        current = rec[f"current_{kind}_cents"][r] / 100.0
        recommended = rec[f"recommended_{kind}_cents"][r] / 100.0
        rows.append([
            esc(run.names[r]), format_meur(current, lang, decimals=2), format_meur(recommended, lang, decimals=2),
            format_meur(recommended - current, lang, decimals=2, signed=True),
            probabilities(rec["p_exhausted_before"][r], rec["p_exhausted_after"][r]),
            before_after(format_meur(rec["expected_unmet_before_eur"][r], lang),
                         format_meur(rec["expected_unmet_after_eur"][r], lang)),
            before_after(day_text(run, rec["median_exhaustion_day_before"][r], lang, t),
                         day_text(run, rec["median_exhaustion_day_after"][r], lang, t)),
        ])
    # The totals from the cents, exact: the changes add up to the complementary allocation (0 for a
    # reallocation), which the rounded rows above need not show.
    current_total = int(np.sum(rec[f"current_{kind}_cents"]))
    recommended_total = int(np.sum(rec[f"recommended_{kind}_cents"]))
    rows.append([
        f"<b>{esc(t['recommendation_total'])}</b>", format_meur(current_total / 100.0, lang, decimals=2),
        format_meur(recommended_total / 100.0, lang, decimals=2),
        format_meur((recommended_total - current_total) / 100.0, lang, decimals=2, signed=True), "",
        before_after(format_meur(float(np.sum(rec["expected_unmet_before_eur"])), lang),
                     format_meur(float(np.sum(rec["expected_unmet_after_eur"])), lang)), ""])
    intro = t["recommendation_intro"].format(
        objective=esc(described), complementary=asked_text(rec, lang),
        level=format_percent(float(rec["common_level"]), lang, decimals=1))
    effect = recommendation_effect(rec, lang)
    return (f'<section class="page"><h2>{esc(t["recommendation"])}</h2><p>{intro}</p>'
            + (f"<p>{effect}</p>" if effect else "")
            + table(columns, rows, numeric_columns=(1, 2, 3)) + "</section>")


def more_for_dossiers(rec):
    """What the recommendation adds to the regions' available amounts, in euros (the ask less its fee)."""
    return (int(np.sum(rec["recommended_available_cents"], dtype=np.int64))
            - int(np.sum(rec["current_available_cents"], dtype=np.int64))) / 100.0


def asked_text(rec, lang):
    """The complementary allocation asked for and, when the convention's fee is withheld from it (docs/model.md),
    that fee and what it adds for dossiers: the table's changes add up to the one or the other."""
    complementary = rec["complementary_allocation_cents"] / 100.0
    text = format_meur(complementary, lang)
    more = more_for_dossiers(rec)
    if complementary > 0 and more != complementary:
        text += " " + TEXT[lang]["h_recommendation_fees"].format(fees=format_meur(complementary - more, lang),
                                                                 available=format_meur(more, lang))
    return text


def objective_text(rec, lang):
    t = TEXT[lang]
    objective = str(rec["objective"])
    target = float(rec["target_probability"])
    if objective == "target-probability" and not math.isnan(target):
        return t["objective_target_probability"].format(target=format_percent(target, lang))
    if objective == "expected-unmet":
        return t["objective_expected_unmet"]
    return objective


def recommendation_effect(rec, lang):
    """What the recommendation changes nationally, as `recommend` prints it, and whether that is noise."""
    if "effect" not in rec:
        return ""
    t = TEXT[lang]
    e = rec["effect"]
    # The change and its standard error in one unit: thousands of euros, unless the change is in millions.
    in_millions = round(abs(e["national_expected_unmet_change_eur"]) / 1e3, 1) >= 1e3  # as it would be printed

    def amount(eur, signed=False):
        if math.isnan(eur):  # a standard error a run on one prior draw cannot give
            return not_available(lang)
        return format_meur(eur, lang, decimals=2, signed=signed) if in_millions else format_keur(eur, lang, signed)

    text = t["recommendation_effect"].format(
        before=format_meur(e["national_expected_unmet_before_eur"], lang, decimals=2),
        after=format_meur(e["national_expected_unmet_after_eur"], lang, decimals=2),
        change=amount(e["national_expected_unmet_change_eur"], signed=True),
        se=amount(e["national_expected_unmet_change_se_eur"]),
        p_before=format_percent(e["p_no_region_exhausted_before"], lang, decimals=1),
        p_after=format_percent(e["p_no_region_exhausted_after"], lang, decimals=1))
    # The envelopes were chosen on those years, which flatters them: the same on as many others (format 1.8).
    held_out = "held_out_replications" in e
    if held_out:
        text += " " + t["recommendation_held_out"].format(
            years=format_count(int(e["held_out_replications"]), lang),
            change=amount(e["held_out_expected_unmet_change_eur"], signed=True),
            se=amount(e["held_out_expected_unmet_change_se_eur"]),
            p_before=format_percent(e["held_out_p_no_region_exhausted_before"], lang, decimals=1),
            p_after=format_percent(e["held_out_p_no_region_exhausted_after"], lang, decimals=1))
    # Under the objective of expected unmet demand, a change on the other years under two paired standard
    # errors, or an increase, is not told apart from the simulation's noise (docs/recommend.md); a file
    # without them is judged on its own years.
    change, se = ((e["held_out_expected_unmet_change_eur"], e["held_out_expected_unmet_change_se_eur"]) if held_out
                  else (e["national_expected_unmet_change_eur"], e["national_expected_unmet_change_se_eur"]))
    # No standard error (NaN) cannot tell a change from noise, as `recommend` reads it.
    if str(rec["objective"]) == "expected-unmet" and ((held_out and change >= 0) or not abs(change) > 2 * se):
        text += " " + t["recommendation_no_error" if math.isnan(se) and change < 0 else "recommendation_noise"]
    # A target's level raised after re-simulation, or a target missed (written from 2026-12-06 on).
    raised = rec.get("raised")
    if raised is not None:
        p_after = format_percent(e["p_no_region_exhausted_after"], lang, decimals=1)
        if raised["short_of_target_because"]:
            reason = raised["short_of_target_because"]
            text += " " + t["recommendation_short"].format(
                p_after=p_after, target=format_percent(float(rec["target_probability"]), lang, decimals=1),
                reason=esc(t["short_reasons"].get(reason, reason)))
        elif raised["level_raises"] > 0:
            first = raised["first_complementary_allocation_cents"] / 100.0
            text += " " + t["recommendation_raised"].format(
                raises=times_text(raised["level_raises"], lang), first=format_meur(first, lang),
                p_first=format_percent(raised["first_p_no_region_exhausted_after"], lang, decimals=1),
                extra=format_meur(rec["complementary_allocation_cents"] / 100.0 - first, lang), p_after=p_after)
    return text


ART7_REVIEW_BEFORE = datetime.date(2022, 3, 1)
SETTLEMENT_QUANTITIES = ["paid", "unspent", "lapsed", "refused_past_deadline", "review_committed",
                         "review_realised", "review_paid", "review_trainees"]


def settlement_section(run, lang):
    """Art. 7: the last payment, what is paid, what goes back to the State, and the financial review."""
    t = TEXT[lang]
    st = run.settlement
    names = list(st["quantity"])
    if names != SETTLEMENT_QUANTITIES:
        raise UserError(f"{run.path}: /summary/settlement lists other quantities than format 1.3 defines")
    q = {name: k for k, name in enumerate(names)}
    p = {percent: k for k, percent in enumerate(run.amount_percentiles)}
    d = {percent: k for k, percent in enumerate(run.day_percentiles)}

    def day(value):
        return "—" if int(value) < 0 else format_date(run.date(int(value)), lang)

    mean, quantiles = st["national_mean"], st["national_quantiles"] / 100.0
    last = st["national_last_payment_day_quantiles"]
    intro = t["settlement_intro"].format(
        training_end=format_date(datetime.date.fromisoformat(st["training_end"]), lang),
        rule=t["settlement_rules"].get(st["training_past_deadline"], st["training_past_deadline"]),
        last=day(last[d[50]]), last_low=day(last[d[5]]), last_high=day(last[d[95]]),
        paid=format_meur(mean[q["paid"]], lang), paid_low=format_meur(quantiles[q["paid"], p[5]], lang),
        paid_high=format_meur(quantiles[q["paid"], p[95]], lang), unspent=format_meur(mean[q["unspent"]], lang),
        lapsed=format_meur(mean[q["lapsed"]], lang))
    review_date = datetime.date.fromisoformat(st["review_date"])
    # Art. 7 holds its financial review before 1 March 2022; another date is the planner's own snapshot.
    review = t["settlement_review" if review_date < ART7_REVIEW_BEFORE else "settlement_review_other"].format(
        review=format_date(review_date, lang),
        committed=format_meur(mean[q["review_committed"]], lang),
        realised=format_meur(mean[q["review_realised"]], lang), paid=format_meur(mean[q["review_paid"]], lang),
        trainees=format_count(round(float(mean[q["review_trainees"]])), lang))
    rows = []
    parts = [("regions", r, run.names[r]) for r in range(len(run.codes))] + [("national", None, "Total national" if lang == "fr" else "National")]
    for part, r, name in parts:
        means = st[f"{part}_mean"] if r is None else st[f"{part}_mean"][r]
        amounts = (st[f"{part}_quantiles"] if r is None else st[f"{part}_quantiles"][r]) / 100.0
        days = st[f"{part}_last_payment_day_quantiles"] if r is None else st[f"{part}_last_payment_day_quantiles"][r]
        rows.append([esc(name), day(days[d[50]]), format_meur(means[q["paid"]], lang),
                     f"{format_meur(amounts[q['paid'], p[5]], lang)} – {format_meur(amounts[q['paid'], p[95]], lang)}",
                     format_meur(means[q["unspent"]], lang), format_meur(means[q["lapsed"]], lang),
                     format_meur(means[q["review_paid"]], lang)])
    return (f'<section><h2>{esc(t["settlement"])}</h2><p>{esc(intro)}</p><p>{esc(review)}</p>'
            + table(t["settlement_columns"], rows, numeric_columns=(2, 3, 4, 5, 6), compact=True) + "</section>")


def cash_section(run, lang, png):
    """The State's payments to OPCO 2i as the scenario states them, and OPCO 2i's cash position for the fund."""
    t = TEXT[lang]
    cash = run.cash
    months = [parse_month(m, run.path) for m in cash["month"]]
    p = {percent: k for k, percent in enumerate(run.amount_percentiles)}
    d = {percent: k for k, percent in enumerate(run.day_percentiles)}

    def share(value):
        return format_percent(float(value), lang, decimals=0 if round(float(value) * 100) == float(value) * 100 else 1)

    def when(k):
        level, date = float(cash["tranche_commitment_level"][k]), str(cash["tranche_date"][k])
        parts = []
        if level >= 0:
            parts.append(t["cash_level"].format(level=share(level)))
        if date:
            parts.append(t["cash_date"].format(date=format_date(datetime.date.fromisoformat(date), lang)))
        text = t["cash_or"].join(parts)
        lag = int(cash["tranche_lag_days"][k])
        return text + (t["cash_lag"].format(days=lag) if lag else "")

    schedule = [t["cash_advance"].format(share=share(cash["advance_share"]),
                                         date=format_date(datetime.date.fromisoformat(str(cash["advance_date"])), lang))]
    schedule += [t["cash_tranche"].format(share=share(cash["tranche_share"][k]), name=str(cash["tranche_name"][k]),
                                          when=when(k)) for k in range(len(cash["tranche_name"]))]
    schedule.append(t["cash_balance"].format(days=int(cash["settlement_lag_days"])))
    lowest = cash["summary/minimum_position_quantiles_cents"] / 100.0
    month = int(cash["summary/minimum_position_month_quantiles"][d[50]])
    summary = t["cash_summary"].format(
        p=format_percent(float(cash["summary/p_pre_financing_mean"]), lang),
        lowest=format_meur(lowest[p[50]], lang), low=format_meur(lowest[p[5]], lang),
        high=format_meur(lowest[p[95]], lang),
        month=format_month(months[month], lang) if month >= 0 else "—")
    intro = t["cash_intro"].format(basis=format_meur(float(cash["basis_cents"]) / 100.0, lang),
                                   schedule=t["cash_join"].join(schedule))
    return (f'<section class="page"><h2>{esc(t["cash"])}</h2><p>{esc(intro)}</p><p>{esc(summary)}</p>'
            + figure(png, t["cash"], esc(t["cash_caption"])) + "</section>")


def not_converged(sensitivity):
    """The indices shown whose N/2 estimate differs from the full one by more than twice their interval's half-width:
    (how many, of how many)."""
    columns = [sensitivity["outputs"].index(name) for name in SENSITIVITY_OUTPUTS]
    count = shown = 0
    for estimate, low, high in (("first_order", "first_low", "first_high"),
                                ("total_effect", "total_low", "total_high")):
        full = sensitivity[estimate][:, columns]
        half = sensitivity[estimate + "_half"][:, columns]
        half_width = (sensitivity[high][:, columns] - sensitivity[low][:, columns]) / 2
        finite = np.isfinite(full) & np.isfinite(half_width)  # no interval (a constant resample): nothing to judge
        shown += int(finite.sum())
        with np.errstate(invalid="ignore"):
            # Twice the half-width: at the half-width itself, one index in twenty would differ by chance.
            count += int(np.sum(finite & ~(np.abs(half - full) <= 2 * half_width)))
    return count, shown


def sensitivity_sentences(run, lang):
    """What drives each output most, the dossiers' own share, the widest tornado bar, and a warning when the
    N/2 estimates say the analysis has not converged: from the file's numbers."""
    t = TEXT[lang]
    st = run.sensitivity
    sentences = []
    tops = {}
    for output in SENSITIVITY_OUTPUTS:
        j = st["outputs"].index(output)
        total = st["total_effect"][:, j]
        candidates = [i for i in range(len(st["factors"])) if st["kinds"][i] != "dossiers" and math.isfinite(total[i])]
        if candidates:
            top = max(candidates, key=lambda i: total[i])
            tops[output] = (esc(sentence_case(factor_label(st, top, lang))),
                            format_percent(float(total[top]), lang, 0))
    if len(tops) == 2:
        (first, first_share), (second, second_share) = (tops[o] for o in SENSITIVITY_OUTPUTS)
        sentences.append(t["s_top_same" if first == second else "s_top"].format(
            first=first, first_share=first_share, second=second, second_share=second_share))
    for output in SENSITIVITY_OUTPUTS:
        if output not in tops and len(tops) == 1:
            other = next(iter(tops))
            sentences.append(t["s_top_one"].format(output=esc(t["s_outputs"][other]), factor=tops[other][0],
                                                   share=tops[other][1]))
        j = st["outputs"].index(output)
        if not np.any(np.isfinite(st["total_effect"][:, j])):
            sentences.append(esc(t["s_constant"].format(output=t["s_constant_outputs"][output])))
    if "dossiers" in st["kinds"]:
        i = st["kinds"].index("dossiers")
        parts = []
        for output in ("national_demand_eur", "additional_needed_any"):
            value = float(st["total_effect"][i, st["outputs"].index(output)])
            if math.isfinite(value):
                parts.append(t["s_dossiers_part"][output].format(share=format_percent(value, lang, 0)))
        if parts:
            sentences.append(esc(t["s_dossiers"].format(parts=t["s_and"].join(parts))))
    rows, _ = tornado_rows(st, "p_additional_needed")
    j = st["statistics"].index("p_additional_needed")
    if rows and st["high"][rows[0], j] != st["low"][rows[0], j]:
        b = rows[0]
        sentences.append(esc(t["s_tornado"].format(
            parameter=sentence_case(parameter_label(st["parameters"][b], lang)[0]), low=format_percent(float(st["low"][b, j]), lang),
            high=format_percent(float(st["high"][b, j]), lang), baseline=format_percent(float(st["baseline"][j]), lang))))
    text = "<p>" + " ".join(sentences) + "</p>"
    count, shown = not_converged(st)
    if count:
        text += '<p class="note">' + t["s_unconverged"].format(rows=format_count(int(st["base_rows"]), lang),
                                                               count=count, shown=shown) + "</p>"
    return text


def sensitivity_section(run, lang, tornado_png, sobol_png):
    """Format 1.5's /sensitivity: which assumptions matter, one at a time (tornado) and together (Sobol)."""
    t = TEXT[lang]
    st = run.sensitivity
    more = max(tornado_rows(st, statistic)[1] for statistic in TORNADO_STATISTICS)
    tornado_caption = t["tornado_caption"].format(low=format_percent(st["tornado_low_quantile"], lang),
                                                  high=format_percent(st["tornado_high_quantile"], lang))
    if more:
        tornado_caption += t["tornado_more"].format(count=more)
    groups = [t["sobol_group_members"].format(
        name=name, members=" + ".join(sentence_case(parameter_label(m, lang)[0]) for m in members))
        for name, kind, members in zip(st["factors"], st["kinds"], st["members"]) if kind == "group"]
    sobol_caption = t["sobol_caption"].format(
        level=format_percent(st["interval_level"], lang),
        groups=t["sobol_groups"].format(groups="; ".join(groups)) if groups else "",
        rows=format_count(int(st["base_rows"]), lang))
    return (f'<section class="page"><h2>{esc(t["sensitivity"])}</h2>' + sensitivity_sentences(run, lang)
            + f"<p><b>{esc(t['tornado'])}</b></p>" + figure(tornado_png, t["tornado"], esc(tornado_caption))
            + f"<p><b>{esc(t['sobol'])}</b></p>" + figure(sobol_png, t["sobol"], esc(sobol_caption)) + "</section>")


def steering_section(run, lang):
    t = TEXT[lang]
    moves = run.steering
    n = run.exhaustion_day.shape[0]
    regions = len(run.codes)
    replication = moves["replication"].astype(np.int64)
    amount = moves["amount_cents"] / 100.0
    source, destination = moves["from_region"], moves["to_region"]
    # Moves between regions are the committee's; the reserve (to −1 at the start, from −1 later) and the
    # State (from −2) are the convention's own channels, shown apart.
    between = (source >= 0) & (destination >= 0)

    def per_replication(mask):
        return np.bincount(replication[mask], weights=amount[mask], minlength=n)

    rows = []
    for r in range(regions):
        received = per_replication(between & (destination == r))
        given = per_replication(between & (source == r))
        reserve = per_replication((source == -1) & (destination == r)) - per_replication((source == r) & (destination == -1))
        from_state = per_replication((source == -2) & (destination == r))
        involved = np.zeros(n, dtype=bool)
        involved[replication[between & ((source == r) | (destination == r))]] = True
        net = received - given + reserve + from_state
        se = mean_standard_error(net, run.clusters)
        rows.append([esc(run.names[r]), format_meur(received.mean(), lang), format_meur(given.mean(), lang),
                     format_meur(reserve.mean(), lang, signed=True), format_meur(from_state.mean(), lang),
                     f"{format_meur(net.mean(), lang, signed=True)} ({format_se_meur(se, lang)})",
                     format_percent(involved.mean(), lang)])
    held = amount[destination == -1].sum() / n
    handed = amount[source == -1].sum() / n
    state = np.bincount(replication[source == -2], weights=amount[source == -2], minlength=n)
    intro = t["steering_intro"].format(moved=format_meur(amount[between].sum() / n, lang),
                                       moves=format_count(int(between.sum()), lang))
    parts = [f'<section><h2>{esc(t["steering"])}</h2>', f"<p>{esc(intro)}</p>",
             table(t["steering_columns"], rows, numeric_columns=(1, 2, 3, 4, 5, 6), compact=True)]
    if held > 0 or handed > 0:
        parts.append(f"<p>{esc(t['steering_reserve'].format(held=format_meur(held, lang), handed=format_meur(handed, lang), kept=format_meur(held - handed, lang)))}</p>")
    if (state > 0).any():
        parts.append("<p>" + esc(t["steering_state"].format(
            mean=format_meur(state.mean(), lang), p=format_percent((state > 0).mean(), lang),
            when_given=format_meur(state[state > 0].mean(), lang))) + "</p>")
    else:
        parts.append(f"<p>{esc(t['steering_no_state'])}</p>")
    days = sorted(set(int(d) for d in moves["day"]))
    if days:
        shown = ", ".join(format_date(run.date(d), lang) for d in days[:8]) + (" …" if len(days) > 8 else "")
        parts.append(f"<p>{esc(t['steering_days'].format(days=shown))}</p>")
    parts.append("</section>")
    return "".join(parts)


def lookup(document, *keys):
    """document[k1][k2]…, or None when any level is missing or not a table."""
    for key in keys:
        if not isinstance(document, dict) or key not in document:
            return None
        document = document[key]
    return document


def assumptions_section(run, lang):
    """A few lines a committee member checks: the scenario's key inputs (defaults from
    docs/scenario-format.md where the scenario does not state them)."""
    t = TEXT[lang]
    a = t["a"]
    try:
        scenario = tomllib.loads(run.resolved_toml)
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{run.path}: /scenario/resolved_toml is not TOML ({error})") from None
    rows = []

    def value(keys, default):
        found = lookup(scenario, *keys)
        return (default, True) if found is None else (found, False)

    def add(label, text, defaulted=False):
        rows.append([esc(label), esc(text) + (esc(a["default"]) if defaulted else "")])

    sep = NNBSP + "; " if lang == "fr" else "; "  # between the values of one row

    rows.append([esc(a["envelope"]), format_meur(run.national_envelope, lang)])
    fee_rate, defaulted = value(("convention", "fee_rate"), 0.0)
    add(a["fees"], f"{format_percent(fee_rate, lang)} ({format_meur(run.national_fees, lang)})", defaulted)
    add(a["window"], f"{format_date(run.start, lang)} – {format_date(run.last_commitment_day, lang)}")
    policy = str(run.attrs.get("exhaustion_policy", "stop"))
    margin = format_percent(float(run.attrs.get("overcommit_margin", 0.0)), lang)
    add(a["policy"], f"{policy}{NBSP if lang == 'fr' else ''}: " + t["policies"].get(policy, policy).format(margin=margin))
    trainees = lookup(scenario, "demand", "trainees") or {}
    kind = trainees.get("distribution", "shifted-poisson")
    if kind == "fixed":
        mean_trainees = float(trainees["value"])
    elif kind == "categorical":
        mean_trainees = sum(v * w for v, w in zip(trainees["values"], trainees["weights"]))
    else:
        mean_trainees = float(trainees.get("mean", 2.5))
    dossiers = lookup(scenario, "demand", "arrivals", "expected_dossiers")
    if dossiers is None:  # art. 6's plan, in proportion to the envelope (models/demand.hpp)
        pathways = ART6_PLANNED_PATHWAYS * run.national_envelope / ART6_ENVELOPE_EUR
        add(a["dossiers"], a["dossiers_art6"].format(count=format_count(pathways / mean_trainees, lang),
                                                     pathways=format_count(pathways, lang)), True)
    elif isinstance(dossiers, dict):
        add(a["dossiers"], a["dossiers_ratio"].format(
            ratio=format_number(float(dossiers["demand_to_envelope"]), 2, lang),
            share=format_euros(float(dossiers["mean_fne_share_eur"]), lang)))
    else:
        add(a["dossiers"], format_count(float(dossiers), lang))
    overridden = [code for code, region in (lookup(scenario, "demand", "regions") or {}).items()
                  if isinstance(region, dict) and "expected_dossiers" in region]
    if overridden:
        add(a["regional_dossiers"], ", ".join(overridden))
    intake, defaulted = value(("demand", "arrivals", "intake_closes_days_before_end"), 0)
    add(a["intake"], a["intake_value"].format(days=intake), defaulted)
    ancillary, defaulted = value(("coverage", "ancillary_eligible"), True)
    add(a["ancillary"], a["ancillary_yes"] if ancillary is True else a["ancillary_no"], defaulted)
    national_cv, d1 = value(("demand", "arrivals", "national_uptake_cv"), 0.0)
    regional_cv, d2 = value(("demand", "arrivals", "regional_uptake_cv"), 0.0)
    correlation, d3 = value(("demand", "arrivals", "regional_correlation"), 0.0)
    correlation_text = (format_number(float(correlation), 2, lang) if isinstance(correlation, (int, float))
                        else "matrix" if lang == "en" else "matrice")
    add(a["uptake"], sep.join([format_number(float(national_cv), 2, lang), format_number(float(regional_cv), 2, lang),
                               correlation_text]), d1 and d2 and d3)
    if kind == "fixed":
        add(a["trainees"], str(trainees["value"]))
    elif kind == "categorical":
        add(a["trainees"], a["trainees_mean"].format(mean=format_number(mean_trainees, 2, lang), law=a["categorical"]))
    else:  # the mean, then its law: "1 + Poisson, 2.50" read as Poisson(2.5)
        add(a["trainees"], a["trainees_mean"].format(mean=format_number(mean_trainees, 2, lang), law="1 + Poisson"),
            "mean" not in trainees)
    cost = lookup(scenario, "demand", "cost_per_trainee") or {}
    mean_eur = cost.get("mean_eur", ART6_MEAN_PATHWAY_COST_EUR)
    if isinstance(mean_eur, dict):
        cost_text = sep.join(
            f"{t['pathways'].get(k, k)} {format_euros(float(v), lang)}" for k, v in mean_eur.items())
    else:
        cost_text = format_euros(float(mean_eur), lang)
    distribution = str(cost.get("distribution", "lognormal"))
    add(a["cost"], f"{cost_text} ({a['cost_laws'].get(distribution, distribution)})", "mean_eur" not in cost)
    cancel, d1 = value(("demand", "lifecycle", "cancellation_probability"), 0.0)
    dropout, d2 = value(("demand", "lifecycle", "dropout_mean"), 0.0)
    add(a["cancel"], sep.join([format_percent(float(cancel), lang), format_percent(float(dropout), lang)]), d1 and d2)
    carryover = lookup(scenario, "demand", "carryover") or {}
    if carryover.get("expected_dossiers"):
        add(a["carryover"], a["carryover_value"].format(
            count=format_count(float(carryover["expected_dossiers"]), lang),
            mean=format_euros(float(carryover.get("mean_fne_eur", 0)), lang)))
    diagnostics = lookup(scenario, "demand", "diagnostics", "expected_dossiers")
    if diagnostics:
        add(a["diagnostics"], format_count(float(diagnostics), lang))
    committees = lookup(scenario, "convention", "steering_committee_dates") or []
    if committees:
        add(a["committees"], ", ".join(format_date(d, lang) for d in committees if isinstance(d, datetime.date)))
    events = lookup(scenario, "events") or {}
    if isinstance(events, dict) and events:
        add(a["events"], sep.join(f"{name} ({a['event_kinds'].get(event.get('kind'), event.get('kind'))}, "
                                  f"{format_date(event['from'], lang)})"
                                  if isinstance(event, dict) and isinstance(event.get("from"), datetime.date)
                                  else str(name) for name, event in events.items()))
    uncertainty = lookup(scenario, "uncertainty") or {}
    if isinstance(uncertainty, dict):
        parameters = uncertainty.get("parameters") or {}
        labels = [parameter_label(path, lang)[0] for path in parameters] if isinstance(parameters, dict) else []
        tilt, concentration = float(uncertainty.get("profile_tilt", 0)), float(uncertainty.get("profile_concentration", 0))
        if tilt > 0 or concentration > 0:
            labels.append(a["profile_moves"].format(tilt=format_number(tilt, 2, lang),
                                                    concentration=format_number(concentration, 0, lang)))
        drift, jumps = float(uncertainty.get("monthly_drift", 0)), float(uncertainty.get("jump_probability", 0))
        if drift > 0 or jumps > 0:
            labels.append(a["uptake_moves"].format(drift=format_percent(drift, lang), jumps=format_percent(jumps, lang),
                                                   jump_sd=format_number(float(uncertainty.get("jump_sd", 0)), 2, lang)))
        if labels:
            add(a["uncertain"], sep.join(labels))
    steering = lookup(scenario, "steering")
    if isinstance(steering, dict):
        add(a["steering"], sep.join(f"{k} = {format_value(v, lang)}" for k, v in flatten(steering)))
    learnt = run.actuals is not None and run.actuals["updated"]
    return (f'<section><h2>{esc(t["assumptions"])}</h2>'
            + (f'<p class="note">{esc(t["assumptions_learnt"])}</p>' if learnt else "")
            + table(t["assumption_columns"], rows) + "</section>")


def format_value(value, lang):
    """A scenario value as the page writes numbers and dates."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime.date):
        return format_date(value, lang)
    if isinstance(value, list):
        return ", ".join(format_value(v, lang) for v in value)
    if isinstance(value, int):
        return format_count(value, lang)
    if isinstance(value, float):
        return format_number(value, 4, lang).rstrip("0").rstrip(",.")
    return str(value)


def flatten(document, prefix=""):
    for key, item in document.items():
        if isinstance(item, dict):
            yield from flatten(item, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", item


def precision_section(run, lang, command):
    t = TEXT[lang]
    s = run.summary
    level = float(run.attrs.get("confidence_level", 0.9))
    rows = []

    def interval(low, high):
        return t["interval"].format(low=low, high=high)

    rows.append([esc(t["p_national_committed"]), format_meur(s["national/committed_mean_eur"], lang),
                 format_se_meur(s["national/committed_se_eur"][()], lang)])
    rows.append([esc(t["p_national_unmet"]), format_meur(s["national/unmet_mean_eur"], lang),
                 format_se_meur(s["national/unmet_se_eur"][()], lang)])
    rows.append([esc(t["p_additional_p"]), format_percent(s["national/p_additional_needed_mean"], lang),
                 format_points(s["national/p_additional_needed_se"], lang)])
    rows.append([esc(t["p_additional_mean"]), format_meur(s["national/additional_needed_mean_eur"], lang),
                 format_se_meur(s["national/additional_needed_se_eur"][()], lang)])
    q90 = dict(additional_marks(run))[90]
    bounds = quantile_interval(run.additional_needed, 0.9, level, run.clusters)
    rows.append([esc(t["p_additional_q90"]), format_meur(q90, lang),
                 interval(format_meur(bounds[0], lang), format_meur(bounds[1], lang)) if bounds else "—"])
    p = np.asarray(s["regions/p_exhausted_mean"])
    se = np.asarray(s["regions/p_exhausted_se"])
    region_rows = []
    for r, (day, conditional, _) in enumerate(regional_medians(run)):
        median, precision = esc(t["h_never"]), "—"
        if day >= 0:
            median = format_date(run.date(day), lang) + ("*" if conditional else "")
            # The median of all years ("never" last), or of the exhausted ones only, as regional_medians takes it.
            days = run.exhaustion_day[:, r]
            kept = days >= 0 if conditional else np.ones(len(days), dtype=bool)
            bounds = quantile_interval(np.where(days < 0, NEVER, days)[kept], 0.5, level,
                                       None if run.clusters is None else run.clusters[kept])
            if bounds:
                low, high = (format_date(run.date(d), lang) if d < NEVER else esc(t["never_short"]) for d in bounds)
                precision = interval(low, high)
        region_rows.append([esc(run.names[r]), format_percent(p[r], lang), format_points(se[r], lang), median,
                            precision])
    a = run.attrs
    m = t["meta"]
    version = [int(v) for v in a.get("format_version", [])]
    meta_rows = [
        [m["scenario"], esc(a.get("scenario_name", ""))],
        [m["sha"], f'<span class="small">{esc(a.get("scenario_sha256", ""))}</span>'],
        [m["sources"], esc(", ".join(run.source_files) or "—")],
        [m["replications"], format_count(int(a["replications"]), lang)],
        [m["seed"], esc(a.get("seed", ""))],
        [m["policy"], esc(a.get("exhaustion_policy", ""))],
        [m["version"], esc(f"fnesim {a.get('fnesim_version', '?')} (git {a.get('git_revision', '?')})")],
        [m["created"], esc(a.get("created", ""))],
        [m["format"], esc(f"fnesim-results {version[0]}.{version[1]}")],
        [m["regenerate"], f"<code>{esc(command)}</code>"],
    ]
    return (f'<section class="page"><h2>{esc(t["precision"])}</h2>'
            f"<p>{esc(t['precision_intro'].format(level=format_percent(level, lang)))}</p>"
            + table(t["precision_columns"], rows, numeric_columns=(1, 2))
            + table(t["precision_region_columns"], region_rows, numeric_columns=(1, 2, 3, 4))
            + f'<p class="small">{esc(t["precision_conditional"])}</p>'
            + f"<h2>{esc(t['metadata'])}</h2>"
            + table(["", ""], [[esc(k), v] for k, v in meta_rows]) + "</section>")


def render(run, lang, command):
    """The page and its charts: (html text, {file name: png bytes})."""
    t = TEXT[lang]
    charts = {}
    marks = additional_marks(run)
    deadline = format_date(run.last_commitment_day, lang)
    sections = []
    if run.fan is not None:
        charts["fan_national.png"] = png_bytes(national_fan_chart(run, lang))
        charts["fan_regions.png"] = png_bytes(regional_fan_chart(run, lang))
        steering = run.steering is not None
        steering_note = t["fan_steering_note"] if steering else ""
        sections.append(f"<section><h2>{esc(t['fan_national'])}</h2>"
                        + figure(charts["fan_national.png"], t["fan_national"],
                                 esc(t["fan_national_caption"].format(deadline=deadline)
                                     + (t["fan_steering_note_national"] if steering else "")))
                        + "</section>")
        sections.append(f'<section class="page"><h2>{esc(t["fan_regions"])}</h2>'
                        + figure(charts["fan_regions.png"], t["fan_regions"],
                                 esc(t["fan_regions_caption"] + steering_note))
                        + "</section>")
    else:
        sections.append(f"<section><h2>{esc(t['fan_national'])}</h2>"
                        f'<p class="note">{t["no_trajectories"]}</p></section>')
    charts["p_exhausted.png"] = png_bytes(p_exhausted_chart(run, lang))
    charts["additional_needed.png"] = png_bytes(additional_needed_chart(run, lang, marks))
    p_needed = format_percent(float(run.summary["national/p_additional_needed_mean"]), lang)
    sections.append(f'<section class="page"><h2>{esc(t["p_exhausted"])}</h2>'
                    + figure(charts["p_exhausted.png"], t["p_exhausted"], esc(t["p_exhausted_caption"]))
                    + "</section>")
    # One row per probability would spill off the printed page: the marks side by side.
    mark_header = [t["additional_table"][0]] + [format_percent(p / 100, lang) for p, _ in marks]
    mark_rows = [[esc(t["additional_table"][1])] + [format_meur(amount, lang) for _, amount in marks]]
    sections.append(f"<section><h2>{esc(t['additional'])}</h2>"
                    + figure(charts["additional_needed.png"], t["additional"],
                             esc(t["additional_caption"].format(p=p_needed)))
                    + table(mark_header, mark_rows, numeric_columns=range(1, len(mark_header)), compact=True)
                    + "</section>")
    if run.sensitivity is not None:  # format 1.5: after the main charts, on its own page
        charts["tornado.png"] = png_bytes(tornado_chart(run, lang))
        charts["sobol.png"] = png_bytes(sobol_chart(run, lang))
        sections.append(sensitivity_section(run, lang, charts["tornado.png"], charts["sobol.png"]))
    if run.recommendation is not None:
        sections.append(recommendation_section(run, lang))
    if run.steering is not None:
        sections.append(steering_section(run, lang))
    if run.settlement is not None:
        sections.append(settlement_section(run, lang))
    if run.cash is not None:
        charts["cash.png"] = png_bytes(cash_chart(run, lang))
        sections.append(cash_section(run, lang, charts["cash.png"]))
    if run.actuals is not None:
        sections.append(learnt_section(run, lang))
    sections.append(assumptions_section(run, lang))
    sections.append(precision_section(run, lang, command))
    subtitle = t["subtitle"].format(scenario=run.attrs["scenario_name"],
                                    replications=format_count(int(run.attrs["replications"]), lang),
                                    file=os.path.basename(run.path))
    page = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="{esc(t["generated"])}">\n'
            f"<title>{esc(t['title'])} — {esc(run.attrs['scenario_name'])}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n"
            f"<h1>{esc(t['title'])}</h1>\n<p class=\"subtitle\">{esc(subtitle)}</p>\n"
            + headline_section(run, lang, dict(marks)[90]) + "\n" + "\n".join(sections) + "\n</body>\n</html>\n")
    return page, charts


# ---------------------------------------------------------------------------
# Writing: nothing half-written, nothing overwritten without --force, nothing
# but regular files replaced (a symbolic link, even to a regular file, would be
# destroyed by the rename; a device or a FIFO is no place for a report).

class Interrupted(BaseException):
    """SIGINT, SIGTERM or SIGHUP: the temporaries are removed on the way out."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


INTERRUPTING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


interrupted_by = None  # the signal on_signal received, kept should its exception be swallowed
outputs_in_place = False  # every output renamed into place: the job is done, a late signal changes nothing


def on_signal(signum, frame):
    # The first signal only: `fnesim report` passes on what the terminal also
    # sent us, and a second exception must not cut the clean-up short.
    global interrupted_by
    for s in INTERRUPTING_SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    if outputs_in_place:
        return
    interrupted_by = signum
    raise Interrupted(signum)


def raise_if_interrupted():
    """Raised again where it counts: an exception raised inside a callback (matplotlib's weak references) is
    printed as "ignored" and the drawing goes on, and the later signals are ignored."""
    if interrupted_by is not None:
        raise Interrupted(interrupted_by)


def shown(path):
    """A path as text for the page and standard output: bytes that are not UTF-8 as \\xNN escapes (a file
    name may hold them; the page is UTF-8)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def interruption_behind(error):
    """The Interrupted an exception was raised from, or None: a library may wrap it (Python 3.11 turns one
    raised inside a class's __set_name__ — matplotlib's, while it is imported — into a RuntimeError)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, Interrupted):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def install_signal_handlers():
    for s in INTERRUPTING_SIGNALS:
        if signal.getsignal(s) != signal.SIG_IGN:  # nohup's SIGHUP stays ignored
            signal.signal(s, on_signal)


def non_regular_kind(path):
    """What `path` is when it exists and is not a regular file (a link is not followed)."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_targets(paths, force):
    """Each path may be written: not standard output, a regular file or none, existing only with --force; every
    problem said at once, the existing files in one line."""
    problems, existing = [], []
    for path in paths:
        kind = non_regular_kind(path)
        if path == "-":  # as results/output_file.cpp: "-" reads as standard output
            problems.append("-: names standard output, not a file; fnesim writes this output to a file "
                            "(./- names a file called '-')")
        elif kind:
            problems.append(f"{path}: is {kind}; fnesim replaces only regular files")
        elif not force and os.path.lexists(path):
            existing.append(path)
    if len(existing) == 1:
        problems.append(f"{existing[0]}: exists already (use --force to overwrite)")
    elif existing:
        problems.append(f"{', '.join(existing)}: exist already (use --force to overwrite)")
    if problems:
        raise UserError("; ".join(problems))


def same_file(a, b):
    """Two names for one file: the same device and inode, else the same resolved path."""
    try:
        sa, sb = os.stat(a), os.stat(b)
        return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_distinct(run_path, outputs):
    for i, (role, path) in enumerate(outputs):
        if os.path.exists(run_path) and same_file(path, run_path):
            raise UserError(f"{role} names the run file ({run_path}), an input of the command: "
                            "writing it would destroy it")
        for other_role, other in outputs[i + 1:]:
            if same_file(path, other):
                raise UserError(f"{role} and {other_role} name the same file ({path}): "
                                "the second would replace the first")


def temporary_name(target):
    return f"{target}.tmp.{os.getpid()}"


def write_temporary(temporary, data):
    if os.path.lexists(temporary):  # left by a killed process that had our id
        os.unlink(temporary)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temporary, 0o644)


def write_outputs(html_path, png_dir, page, charts, force):
    """Every file is written beside its target first; renamed into place only once all are complete.

    Each temporary is listed before it is created, so that an interruption at
    any point (an exception between two bytecodes) still removes it."""
    global outputs_in_place
    temporaries, outputs_in_place = [], False
    created_png_dir = not os.path.lexists(png_dir)
    try:
        os.makedirs(png_dir, exist_ok=True)
        targets = [(os.path.join(png_dir, name), data) for name, data in charts.items()]
        targets.append((html_path, page.encode("utf-8")))
        for target, data in targets:
            temporaries.append((temporary_name(target), target))
            write_temporary(temporaries[-1][0], data)
        raise_if_interrupted()  # the last moment nothing is in place yet
        # Again, all of them before the first rename: the places may have changed since.
        check_targets([target for _, target in temporaries], force)
        # All renamed or none: a signal waits for the last (then finds the job done).
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTING_SIGNALS)
        try:
            for temporary, target in temporaries:
                os.replace(temporary, target)
            outputs_in_place = True
            temporaries = []
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        # A chart this run could not draw must not be left from an earlier report.
        for name in CHART_NAMES:
            stale = os.path.join(png_dir, name)
            if name not in charts and os.path.lexists(stale) and non_regular_kind(stale) is None:
                os.unlink(stale)
    except OSError as error:
        raise JobError(f"cannot write {shown(error.filename or html_path)}: {error.strerror or error}") from None
    finally:
        for temporary, _ in temporaries:
            if os.path.lexists(temporary):
                os.unlink(temporary)
        if created_png_dir and not outputs_in_place:  # nothing in place: the directory this run made goes too
            try:
                os.rmdir(png_dir)
            except OSError:
                pass


def default_output(run_path):
    stem, extension = os.path.splitext(run_path)
    return (stem if extension in (".h5", ".hdf5") else run_path) + ".html"


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="report.py",
        description="Write the committee's one-page report (HTML, self-contained, A4) of an fnesim run file, "
                    "and its charts as PNG files.",
        epilog="French is the default: the steering committee works in French. docs/report.md explains "
               "the page.")
    parser.add_argument("run_file", help="run file written by `fnesim run --out`")
    parser.add_argument("-o", "--output", help="HTML file to write (default: the run file's name with .html)")
    parser.add_argument("--lang", choices=["fr", "en"], default="fr",
                        help="language of the labels and number formats (default: fr)")
    parser.add_argument("--png-dir", help="directory of the PNG charts (default: <output stem>_png/)")
    parser.add_argument("--force", action="store_true", help="overwrite existing output files")
    parser.add_argument("--prog", default="report.py", help=argparse.SUPPRESS)  # set by `fnesim report`
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    prog = args.prog
    try:
        install_signal_handlers()
        html_path = args.output or default_output(args.run_file)
        png_dir = args.png_dir or os.path.splitext(html_path)[0] + "_png"
        if png_dir == "-":  # as an output file's "-" (check_targets)
            raise UserError("--png-dir -: names standard output, not a directory; fnesim writes the charts in a "
                            "directory (./- names a directory called '-')")
        run = load_run(args.run_file)
        # Checked before the charts are drawn. The PNG directory is created if missing, but not its
        # parents: a mistyped path would otherwise create directories anywhere.
        html_parent = os.path.dirname(os.path.abspath(html_path))
        if os.path.lexists(html_parent) and not os.path.isdir(html_parent):
            raise UserError(f"cannot write {html_path}: {os.path.dirname(html_path)} is not a directory")
        if not os.path.isdir(html_parent):
            raise JobError(f"cannot write {html_path}: no directory {os.path.dirname(html_path)}")
        png_parent = os.path.dirname(os.path.abspath(png_dir.rstrip(os.sep) or png_dir))
        if not os.path.isdir(png_dir) and not os.path.isdir(png_parent):
            raise JobError(f"cannot write the charts in {png_dir}: no directory {png_parent}")
        if os.path.realpath(png_dir) == os.path.realpath(html_path):
            raise UserError(f"--png-dir and --output name the same path ({png_dir}): the charts need a directory "
                            "of their own")
        if os.path.lexists(png_dir) and not os.path.isdir(png_dir):
            raise JobError(f"cannot write the charts in {png_dir}: it is a file, and the charts need a directory")
        outputs = [("--output", html_path)] + [("--png-dir's " + n, os.path.join(png_dir, n)) for n in CHART_NAMES]
        check_distinct(args.run_file, outputs)
        check_targets([path for _, path in outputs], args.force)
        command = ["fnesim report", shown(args.run_file), "--lang", args.lang]
        if args.output:
            command += ["-o", shown(args.output)]
        if args.png_dir:  # drawn again, the charts land where these did
            command += ["--png-dir", shown(args.png_dir)]
        page, charts = render(run, args.lang, " ".join(command))
        raise_if_interrupted()
        write_outputs(html_path, png_dir, page, charts, args.force)
    except UserError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except JobError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Interrupted as interruption:
        return 128 + interruption.signum
    except Exception as error:
        interruption = interruption_behind(error)
        if interruption is None:
            raise
        return 128 + interruption.signum
    print(f"{prog}: wrote {shown(html_path)} and {len(charts)} charts in {shown(os.path.join(png_dir, ''))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
