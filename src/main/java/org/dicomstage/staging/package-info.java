/** Stage and verify a series from the Study0 node to a project node; staged status of a study. */
package org.dicomstage.staging;
