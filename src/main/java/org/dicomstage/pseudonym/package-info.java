/**
 * Pseudonymization of one dataset under a study's profile: PS3.15 Annex E Basic Profile and its
 * options, keyed deterministic UID mapping, clinical trial attributes, and a dry run. Pure: no I/O
 * beyond the files it is handed, no Spring.
 */
package org.dicomstage.pseudonym;
