//! A JSON Schema inferred from example values: the types seen at each place, the properties
//! every object had as `required`. Values themselves are left out (they change from run to
//! run); a field that changes type, or goes missing, is what fails.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

/// Deeper values are not described (anything goes there).
const MAX_DEPTH: usize = 16;
/// An object with more properties than this is described as an object only.
const MAX_PROPERTIES: usize = 200;

#[derive(Default)]
pub(crate) struct Shape {
    types: BTreeSet<&'static str>,
    objects: u64,
    properties: BTreeMap<String, (Shape, u64)>,
    too_many_properties: bool,
    items: Option<Box<Shape>>,
}

impl Shape {
    pub fn add(&mut self, value: &Value) {
        self.add_at(value, 0);
    }

    fn add_at(&mut self, value: &Value, depth: usize) {
        let type_name = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        self.types.insert(type_name);
        if depth >= MAX_DEPTH {
            return;
        }
        match value {
            Value::Object(object) => {
                self.objects += 1;
                if object.len() > MAX_PROPERTIES || self.too_many_properties {
                    self.too_many_properties = true;
                    self.properties.clear();
                    return;
                }
                for (key, value) in object {
                    let (shape, count) = self.properties.entry(key.clone()).or_default();
                    shape.add_at(value, depth + 1);
                    *count += 1;
                }
                if self.properties.len() > MAX_PROPERTIES {
                    self.too_many_properties = true;
                    self.properties.clear();
                }
            }
            Value::Array(items) => {
                let shape = self.items.get_or_insert_with(Box::default);
                for item in items {
                    shape.add_at(item, depth + 1);
                }
            }
            _ => {}
        }
    }

    pub fn schema(&self) -> Value {
        let mut types: Vec<&str> = self.types.iter().copied().collect();
        if self.types.contains("number") {
            types.retain(|t| *t != "integer");
        }
        let mut schema = Map::new();
        match types.as_slice() {
            [] => {}
            [one] => {
                schema.insert("type".into(), json!(one));
            }
            many => {
                schema.insert("type".into(), json!(many));
            }
        }
        if !self.properties.is_empty() {
            let properties: Map<String, Value> =
                self.properties.iter().map(|(key, (shape, _))| (key.clone(), shape.schema())).collect();
            let required: Vec<&String> = self
                .properties
                .iter()
                .filter(|(_, (_, count))| *count == self.objects)
                .map(|(key, _)| key)
                .collect();
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), json!(required));
            }
        }
        if let Some(items) = &self.items {
            if !items.types.is_empty() {
                schema.insert("items".into(), items.schema());
            }
        }
        Value::Object(schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(values: &[Value]) -> Value {
        let mut shape = Shape::default();
        values.iter().for_each(|value| shape.add(value));
        shape.schema()
    }

    #[test]
    fn objects_keep_their_types_and_the_keys_every_one_had() {
        let schema = infer(&[json!({"n": 1, "s": "a", "x": null}), json!({"n": 2.5, "s": "b"})]);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {"n": {"type": "number"}, "s": {"type": "string"}, "x": {"type": "null"}},
                "required": ["n", "s"]
            })
        );
    }

    #[test]
    fn arrays_describe_all_their_items_together() {
        let schema = infer(&[json!([{"a": 1}, {"a": 2, "b": true}]), json!([])]);
        assert_eq!(
            schema,
            json!({
                "type": "array",
                "items": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "boolean"}}, "required": ["a"]}
            })
        );
    }

    #[test]
    fn deep_values_stop_being_described_past_the_depth_limit() {
        let mut deep = json!(1);
        for _ in 0..100 {
            deep = json!([deep]);
        }
        let text = infer(&[deep]).to_string();
        assert!(text.matches("items").count() <= MAX_DEPTH, "{text}");
    }
}
