//! Typed client for the Image Management Service (IMS) image-query APIs.
