"""The data layer: contracts, codebook, study.yaml, loading, validation, the dataset.

A dataset folder is read (:mod:`.loading`), checked against the contracts in
``data_contracts/`` (:mod:`.contracts`, :mod:`.validation`, messages in
:mod:`.messages`) and handed on as one validated :class:`.dataset.Dataset`.
Nothing above this layer reads a file of the dataset itself.
"""
