import siteInspectionV1 from './site-inspection/v1';

/** A pilot's registry line before version 2 exists. */
export const kindVersions = [siteInspectionV1];
