/** Studies, sites, users, memberships, subjects and enrolments, staging requests and audit events. */
package org.dicomstage.study;
