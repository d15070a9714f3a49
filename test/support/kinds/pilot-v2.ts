import siteInspectionV1 from './site-inspection/v1';
import siteInspectionV2 from './site-inspection/v2';

/** The same pilot once version 2 is added: version 1 stays, for its entries and its writers. */
export const kindVersions = [siteInspectionV1, siteInspectionV2];
