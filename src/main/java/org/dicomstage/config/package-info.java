/**
 * Start-up checks of the deployment's configuration: settings that production cannot do without are named, with
 * the environment variable that sets each, before anything connects anywhere. Defaults that only suit a laptop
 * (H2, a Camunda cluster on localhost) must not silently carry a production start.
 */
package org.dicomstage.config;
