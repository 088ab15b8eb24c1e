//! File: a document, with its text when it is the answer itself or the dump asks for it.

use super::{OParlError, Objects};
use serde_json::Value;
use witan_domain::DocumentId;
use witan_store::Stamp;

impl Objects<'_> {
    pub async fn file(
        &self,
        id: DocumentId,
        stamp: &Stamp,
        own: bool,
    ) -> Result<Value, OParlError> {
        let document = self.store.document(id).await?;
        Ok(self.file_object(&document, Some(stamp), own))
    }

    /// A File; `own` when it is the answer itself, the one place the server gives its text.
    pub(super) fn file_object(
        &self,
        document: &witan_store::Stored<witan_domain::Document>,
        stamp: Option<&Stamp>,
        own: bool,
    ) -> Value {
        let mut object = self.object("File", &format!("/file/{}", document.id), stamp);
        object.insert("name".into(), document.name.as_str().into());
        object.insert(
            "fileName".into(),
            crate::edge::downloads::file_name(document).into(),
        );
        object.insert("mimeType".into(), document.media_type.as_str().into());
        object.insert("size".into(), document.size_bytes.into());
        if own || self.whole_texts {
            object.insert("text".into(), document.text.as_str().into());
        }
        let access = self.web(&format!("/documents/{}", document.id));
        object.insert("accessUrl".into(), access.clone().into());
        object.insert("downloadUrl".into(), access.into());
        if let Some(sha) = &document.sha256 {
            object.insert("witan:sha256".into(), sha.as_str().into());
        }
        if let Some(item) = document.item {
            object.insert(
                "agendaItem".into(),
                vec![Value::from(self.url(&format!("/agendaitem/{item}")))].into(),
            );
        } else if let Some(issue) = document.issue {
            object.insert(
                "paper".into(),
                vec![Value::from(self.url(&format!("/paper/{issue}")))].into(),
            );
        }
        object.into()
    }
}
