//! How a row is called as each caller, and the routes a server serves.

use std::collections::BTreeSet;

use reqwest::Method;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use super::rules::{Answer, Body, Caller, Row};
use super::world::{Credential, World};

impl World {
    pub(super) fn path(&self, template: &str) -> String {
        let id = if template.starts_with("/api/installations/") {
            &self.installation_id
        } else if template.starts_with("/api/users/") {
            &self.user_id
        } else {
            &self.org_id
        };
        let mut path = template
            .replace("{org_id}", &self.org_id)
            .replace("{conn_org_id}", &self.org_id)
            .replace("{member_id}", &self.member_id)
            .replace("{group_id}", &self.group_id)
            .replace("{collection_id}", &self.collection_id)
            .replace("{connection_id}", &self.connection_id)
            .replace("{connection_type}", "1")
            .replace("{key_type}", "1")
            .replace("{friendly_name}", "Nobody")
            .replace("{folder_id}", &self.folder_id)
            .replace("{cipher_id}", self.cipher_for(template))
            .replace("{attachment_id}", &self.attachment_id)
            .replace("{id}", id);
        if template.ends_with("/license") {
            path.push_str(&format!("?installationId={}", self.installation_id));
        }
        // The organization of these routes is in the query.
        if template == "/api/ciphers/organization-details"
            || template == "/api/ciphers/organization-details/assigned"
            || template == "/api/ciphers/import-organization"
        {
            path.push_str(&format!("?organizationId={}", self.org_id));
        }
        path
    }

    /// The admin item routes work on the organization's item; the others on the owner's own.
    fn cipher_for(&self, template: &str) -> &str {
        let admin = template.starts_with("/api/ciphers/{cipher_id}/")
            && (template.ends_with("/admin") || template.ends_with("-admin"));
        if admin {
            &self.org_cipher_id
        } else {
            &self.cipher_id
        }
    }

    pub(super) async fn call(&self, row: &Row, caller: Caller) -> anyhow::Result<Answer> {
        self.send(row, caller, true).await
    }

    /// Calls `row` as `caller`; a page's form goes `with_csrf` or without its CSRF field. On a
    /// page, a caller brings its bearer token or Portal cookie as well as its browser's cookies:
    /// the pages must go by their own session only.
    pub(super) async fn send(
        &self,
        row: &Row,
        caller: Caller,
        with_csrf: bool,
    ) -> anyhow::Result<Answer> {
        let method = Method::from_bytes(row.method.as_bytes())?;
        let mut path = self.path(row.path);
        let mut cookies = Vec::new();
        let mut csrf = String::new();
        if row.access.is_page() {
            let browser = &self.browsers[&caller];
            cookies.push(browser.cookies());
            csrf = browser.csrf.clone();
            // A multipart form carries its CSRF token in the query string.
            if row.body == Body::PageUpload && with_csrf {
                path.push_str(&format!("?csrf={}", urlencoding(&csrf)));
            }
        }
        let mut request = self.client.request(method, self.server.at(&path));
        match &self.credentials[&caller] {
            Credential::None => {}
            Credential::Bearer(token) => request = request.bearer_auth(token),
            Credential::Portal {
                cookies: portal,
                csrf: token,
            } => {
                cookies.insert(0, portal.clone());
                if !row.access.is_page() {
                    csrf = token.clone();
                }
            }
        }
        if !cookies.is_empty() {
            request = request.header(COOKIE, cookies.join("; "));
        }
        request = match row.body {
            Body::None => request,
            Body::EmptyJson => request.json(&json!({})),
            Body::Json(text) => request
                .header("content-type", "application/json")
                .body(text.replace("{org_id}", &self.org_id)),
            Body::EmptyForm => request.form(&[("", "")]),
            Body::CsrfForm => request.form(&[
                ("csrf", csrf.as_str()),
                ("email", "nobody@example.com"),
                ("token", "not-a-token"),
            ]),
            Body::PageForm(fields) => {
                let mut form: Vec<(&str, String)> = fields
                    .iter()
                    .map(|(name, value)| (*name, value.replace("{org_id}", &self.org_id)))
                    .collect();
                if with_csrf {
                    form.push(("csrf", csrf));
                }
                request.form(&form)
            }
            Body::PageUpload => request
                .multipart(reqwest::multipart::Form::new().text("license", "not a license file")),
        };
        let response = request.send().await?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let text = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|body| body["message"].as_str().map(str::to_string));
        Ok(Answer {
            status,
            message,
            location,
        })
    }

    /// The routes the server serves, as `METHOD path`: those its document lists, and the pages
    /// (`PAGE_ROUTES`, the list the pages' router is made from).
    pub(super) async fn served_routes(&self) -> anyhow::Result<BTreeSet<String>> {
        let doc: Value = self.server.get("/api/openapi.json").await?.json().await?;
        let mut routes = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in ["get", "put", "post", "delete", "patch", "head"] {
                if item.get(method).is_some() {
                    routes.insert(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        for (method, path) in kinwarden_web::PAGE_ROUTES {
            routes.insert(format!("{method} {path}"));
        }
        Ok(routes)
    }
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
