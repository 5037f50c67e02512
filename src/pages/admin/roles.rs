//! `/admin/…` section `roles` (being built).

use crate::auth::guard::Routes;

/// This section's routes.
pub fn routes(routes: Routes) -> Routes {
    routes
}
