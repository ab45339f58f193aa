/** Controllers, security and the static front end. */
package org.dicomstage.web;
